import Glibc
import SwitchyardReactor

/// A listening socket that hands each accepted connection to `open`, which makes its handler
/// and registers it.
final class Listener: EventHandler {
    let fd: Int32
    private let open: (Int32, EventLoop) -> Void

    init(port: Int, loop: EventLoop, open: @escaping (Int32, EventLoop) -> Void) throws(SysError) {
        fd = try Sockets.listen(port: port)
        self.open = open
        try loop.register(fd: fd, interest: .readable, handler: self)
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        // A bounded batch per wake-up: a connect storm must not starve the connections
        // already open; level-triggered epoll calls us again for the rest.
        for _ in 0..<256 {
            let accepted: IOResult<(Int32, SocketAddress)>
            do {
                accepted = try Sys.accept(fd)
            } catch {
                // ECONNABORTED and friends concern one connection; EMFILE would repeat, so
                // report it (the runner reads stderr) and let the next wake-up retry.
                if error.errno != ECONNABORTED && error.errno != EPROTO { Output.error("sy-load backend: \(error)") }
                return
            }
            guard case .value(let (client, _)) = accepted else { return }
            Sockets.setNoDelay(client)
            open(client, loop)
        }
    }
}

@available(*, unavailable)
extension Listener: Sendable {}
