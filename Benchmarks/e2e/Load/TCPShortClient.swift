import Glibc
import SwitchyardReactor

/// `tcp-short`: C connections, at most K open at once, each asking the tcp backend for N bytes
/// (`D`), reading exactly N and the EOF, then closing: connections per second.
final class TCPShortClient {
    let target: SocketAddress
    let total: Int
    let bytes: Int
    let scratch = ClientScratch()
    /// The `D` header, the same for every connection.
    let header: (UInt64, UInt64)
    var started = 0
    var done = 0
    var errors = 0

    init(target: SocketAddress, total: Int, bytes: Int) {
        self.target = target
        self.total = total
        self.bytes = bytes
        header = TCPBulkHeader.encode(op: TCPBulkHeader.download, length: UInt64(bytes))
    }

    var finished: Int { done + errors }

    static func run(_ options: Options) throws(UsageError) -> Int32 {
        let client = TCPShortClient(target: try options.target(), total: try options.int("count"), bytes: try options.int("bytes"))
        let concurrency = max(1, try options.int("concurrency"))
        let deadline = try options.deadline()
        guard let loop = ClientLoop.make() else { return 1 }

        let start = Nanos.now()
        let slots = (0..<min(concurrency, max(client.total, 1))).map { _ in TCPShortConnection(client: client) }
        for slot in slots { slot.startNext(loop: loop) }
        let completed = ClientLoop.run(loop, until: deadline) { client.finished < client.total }
        let seconds = Double(Nanos.now() - start) / 1e9
        for slot in slots { slot.abandon(loop: loop) }

        var json = JSONLine()
        json.add("connections", client.done)
        json.add("seconds", seconds, decimals: 6)
        json.add("perSecond", Double(client.done) / seconds)
        json.add("errors", client.errors)
        if !completed { json.add("timedOut", true) }
        Output.line(json.rendered)
        if client.done == 0 && client.total > 0 {
            Output.error("sy-load tcp-short: no connection succeeded")
            return 1
        }
        return completed ? 0 : 1
    }
}

/// One of the K slots: runs connections one after another until the client has started all.
final class TCPShortConnection: EventHandler {
    private unowned let client: TCPShortClient
    private var fd: Int32 = -1
    private var headerSent = false
    private var received = 0

    init(client: TCPShortClient) {
        self.client = client
    }

    /// Opens the next connection, if any are left; a connection that fails to start is
    /// counted and the next one tried at once.
    func startNext(loop: EventLoop) {
        while client.started < client.total {
            client.started += 1
            headerSent = false
            received = 0
            do {
                let (socket, connected) = try Sockets.connecting(to: client.target)
                fd = socket
                try loop.register(fd: fd, interest: .writable, handler: self)
                if connected { sendHeader(loop: loop) }
                return
            } catch {
                if fd >= 0 { Sys.close(fd) }
                fd = -1
                client.errors += 1
            }
        }
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        if !headerSent {
            guard Sys.pendingError(fd) == 0 else { return finish(ok: false, loop: loop) }
            sendHeader(loop: loop)
            return
        }
        while true {
            let result: IOResult<Int>
            do {
                result = try Sys.read(fd, client.scratch.buffer)
            } catch {
                return finish(ok: false, loop: loop)
            }
            guard case .value(let n) = result else { return }
            if n == 0 { return finish(ok: received == client.bytes, loop: loop) }
            received += n
        }
    }

    private func sendHeader(loop: EventLoop) {
        var header = client.header
        let sent = withUnsafeBytes(of: &header) { Sockets.sendSmall(fd, UnsafeRawBufferPointer(rebasing: $0[0..<TCPBulkHeader.size])) }
        guard sent else { return finish(ok: false, loop: loop) }
        headerSent = true
        do { try loop.setInterest(fd: fd, .readable) } catch { finish(ok: false, loop: loop) }
    }

    private func finish(ok: Bool, loop: EventLoop) {
        loop.deregister(fd: fd)
        Sys.close(fd)
        fd = -1
        if ok { client.done += 1 } else { client.errors += 1 }
        startNext(loop: loop)
    }

    /// At the deadline: closes what is still open.
    func abandon(loop: EventLoop) {
        guard fd >= 0 else { return }
        loop.deregister(fd: fd)
        Sys.close(fd)
        fd = -1
    }
}

@available(*, unavailable)
extension TCPShortClient: Sendable {}
@available(*, unavailable)
extension TCPShortConnection: Sendable {}
