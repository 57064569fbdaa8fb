import Glibc
import Synchronization

/// An upstream that never answers a SYN: a listener with `listen(fd, 0)` whose accept queue
/// the harness fills with its own connections and never accepts. Linux then drops new
/// SYNs, so a connect to `port` hangs until the connector's timeout — what an unreachable
/// upstream looks like to `proxy_connect_timeout`.
public final class BlackholeListener: Sendable {
    public let port: UInt16
    private let listener: Int32
    /// The connections that filled the queue; kept open so it stays full.
    private let fillers: [Int32]
    private let closed = Mutex(false)

    public init() throws {
        let (listener, port) = try TCP.listen(backlog: 0)
        var fillers: [Int32] = []
        var blocked = false
        for _ in 0..<64 {
            switch TCP.tryConnect(port: port, timeout: 0.2) {
            case .connected(let fd):
                fillers.append(fd)
                continue
            case .timedOut:
                blocked = true
            case .refused, .failed:
                break
            }
            break
        }
        guard blocked else {
            for fd in fillers { TCP.close(fd) }
            TCP.close(listener)
            throw HarnessError("BlackholeListener: connects to a full backlog still completed")
        }
        self.port = port
        self.listener = listener
        self.fillers = fillers
    }

    deinit { close() }

    /// Whether a connect right now stays unanswered for `within` seconds.
    public func swallowsConnects(within: Double = 0.2) -> Bool {
        switch TCP.tryConnect(port: port, timeout: within) {
        case .timedOut:
            return true
        case .connected(let fd):
            TCP.close(fd)
            return false
        case .refused, .failed:
            return false
        }
    }

    /// Closes the fillers and the listener; safe to call twice. Call it from a `defer`:
    /// that also keeps the listener alive until the test's end.
    public func close() {
        closed.withLock { closed in
            guard !closed else { return }
            closed = true
            for fd in fillers { TCP.close(fd) }
            TCP.close(listener)
        }
    }
}
