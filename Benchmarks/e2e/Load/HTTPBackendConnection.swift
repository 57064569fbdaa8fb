import Glibc
import SwitchyardReactor

/// One keep-alive connection of `backend http`: every request head (they have no bodies) gets
/// the fixed 200. Pipelined heads in one read are answered with one write. A head split
/// across reads is the only thing kept between reads, in `partial`, which stays unallocated
/// on a connection that never sees one.
final class HTTPBackendConnection: EventHandler {
    private unowned let context: BackendContext
    private var partial: [UInt8] = []
    private var answers = PendingAnswers()
    private var closeWhenAnswered = false

    init(context: BackendContext) {
        self.context = context
    }

    static func open(_ fd: Int32, loop: EventLoop, context: BackendContext) {
        let connection = HTTPBackendConnection(context: context)
        do {
            try loop.register(fd: fd, interest: .readable, handler: connection)
        } catch {
            Sys.close(fd)
        }
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        if answers.isEmpty {
            read(fd, loop: loop)
        } else {
            write(fd, loop: loop)
        }
    }

    private func read(_ fd: Int32, loop: EventLoop) {
        let n: Int
        do {
            guard case .value(let count) = try Sys.read(fd, context.input) else { return }
            n = count
        } catch {
            return BackendContext.close(fd, loop: loop)
        }
        guard n > 0 else { return BackendContext.close(fd, loop: loop) }
        let received = UnsafeRawBufferPointer(rebasing: context.input[0..<n])
        if partial.isEmpty {
            guard scan(received) else { return BackendContext.close(fd, loop: loop) }
        } else {
            var joined = partial
            partial.removeAll(keepingCapacity: true)
            joined.append(contentsOf: received)
            guard joined.withUnsafeBytes({ scan($0) }) else { return BackendContext.close(fd, loop: loop) }
        }
        write(fd, loop: loop)
    }

    /// Counts the complete heads in `bytes` as answers owed and keeps an incomplete tail.
    /// False when the connection must close now (a head too long to be one of ours).
    private func scan(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var start = 0
        while start < bytes.count && !closeWhenAnswered {
            guard let end = HeadScan.headEnd(bytes, from: start) else {
                guard bytes.count - start <= BackendContext.maxHeadLength else { return false }
                partial.append(contentsOf: bytes[start...])
                break
            }
            let facts = RequestHeadFacts(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            answers.count += 1
            closeWhenAnswered = facts.closeAfterAnswer
            start = end
        }
        return true
    }

    /// Sends what is owed; while anything remains, waits for writability instead of reading,
    /// so a client that pipelines faster than it reads is slowed by TCP, not by our memory.
    private func write(_ fd: Int32, loop: EventLoop) {
        guard answers.flush(fd) else { return BackendContext.close(fd, loop: loop) }
        if answers.isEmpty {
            if closeWhenAnswered {
                try? Sys.shutdownWrite(fd)
                return BackendContext.close(fd, loop: loop)
            }
            try? loop.setInterest(fd: fd, .readable)
        } else {
            try? loop.setInterest(fd: fd, .writable)
        }
    }
}

@available(*, unavailable)
extension HTTPBackendConnection: Sendable {}
