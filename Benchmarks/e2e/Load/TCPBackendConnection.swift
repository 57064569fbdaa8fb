import Glibc
import SwitchyardReactor

/// One connection of `backend tcp` (protocol in `TCPBulkClient`): read the 9-byte header,
/// then sink N bytes and answer `K`, or source N bytes and close. The payload never touches
/// per-connection memory: uploads are read into the shared input and dropped, downloads are
/// sent from the shared pattern.
final class TCPBackendConnection: EventHandler {
    private enum State {
        case header(count: Int)
        case sinking(remaining: UInt64)
        /// `K` is sent; wait for the client's EOF before closing, so TIME_WAIT stays with it.
        case draining
        case sourcing(remaining: UInt64)
    }

    private unowned let context: BackendContext
    private var state = State.header(count: 0)
    private var op: UInt8 = 0
    private var length: UInt64 = 0

    init(context: BackendContext) {
        self.context = context
    }

    static func open(_ fd: Int32, loop: EventLoop, context: BackendContext) {
        let connection = TCPBackendConnection(context: context)
        do {
            try loop.register(fd: fd, interest: .readable, handler: connection)
        } catch {
            Sys.close(fd)
        }
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        if case .sourcing = state {
            source(fd, loop: loop)
        } else {
            sink(fd, loop: loop)
        }
    }

    /// Reads: the header, then (for `U`) the payload, then the client's EOF.
    private func sink(_ fd: Int32, loop: EventLoop) {
        let buffer = context.input
        while true {
            let n: Int
            do {
                guard case .value(let count) = try Sys.read(fd, buffer) else { return }
                n = count
            } catch {
                return BackendContext.close(fd, loop: loop)
            }
            if n == 0 { return BackendContext.close(fd, loop: loop) }
            var offset = 0
            if case .header(var count) = state {
                while count < TCPBulkHeader.size && offset < n {
                    if count == 0 { op = buffer[offset] } else { length = length << 8 | UInt64(buffer[offset]) }
                    count += 1
                    offset += 1
                }
                guard count == TCPBulkHeader.size else {
                    state = .header(count: count)
                    continue
                }
                switch op {
                case TCPBulkHeader.upload:
                    state = .sinking(remaining: length)
                case TCPBulkHeader.download:
                    state = .sourcing(remaining: length)
                    do { try loop.setInterest(fd: fd, .writable) } catch { return BackendContext.close(fd, loop: loop) }
                    return source(fd, loop: loop)
                default:
                    return BackendContext.close(fd, loop: loop)
                }
            }
            if case .sinking(let remaining) = state {
                let taken = min(remaining, UInt64(n - offset))
                if remaining - taken > 0 {
                    state = .sinking(remaining: remaining - taken)
                } else {
                    var ack = TCPBulkHeader.acknowledgement
                    let sent = withUnsafeBytes(of: &ack) { Sockets.sendSmall(fd, $0) }
                    guard sent else { return BackendContext.close(fd, loop: loop) }
                    state = .draining
                }
            }
            // A short read means the socket is drained for now: skip the read that would
            // only say EAGAIN; level-triggered epoll wakes us when more arrives.
            if n < buffer.count { return }
        }
    }

    /// Writes the download from the shared pattern, then shuts down and closes.
    private func source(_ fd: Int32, loop: EventLoop) {
        guard case .sourcing(var remaining) = state else { return }
        let pattern = UnsafeRawBufferPointer(context.bulk)
        while remaining > 0 {
            let n = Int(min(remaining, UInt64(pattern.count)))
            do {
                guard case .value(let sent) = try Sys.write(fd, UnsafeRawBufferPointer(rebasing: pattern[0..<n])) else {
                    state = .sourcing(remaining: remaining)
                    return
                }
                remaining -= UInt64(sent)
            } catch {
                return BackendContext.close(fd, loop: loop)
            }
        }
        try? Sys.shutdownWrite(fd)
        BackendContext.close(fd, loop: loop)
    }
}

@available(*, unavailable)
extension TCPBackendConnection: Sendable {}
