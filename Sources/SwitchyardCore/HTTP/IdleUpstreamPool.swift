import Glibc
import SwitchyardConfig
import SwitchyardReactor

/// One worker's idle connections to the peers of one http upstream group (`keepalive N`),
/// nginx's keepalive cache: most recently used first, the least recently used closed when
/// the cache is full, each connection dropped when its peer closes it (the end of stream
/// wakes it at once), when it has been idle for `keepalive_timeout`, or when it has served
/// `keepalive_requests` or lived `keepalive_time`.
final class IdleUpstreamPool {
    /// A connection between two requests. It watches its own socket: any readiness while
    /// idle is the peer closing (or sending what nobody asked for), and either way it goes.
    final class Connection: EventHandler, TimerHandler {
        let peer: Int
        var fd: OwnedFD?
        /// Requests already served on this connection.
        let requests: Int
        /// When the connection was opened (loop ms), for `keepalive_time`.
        let openedMs: Int64
        let timer = LoopTimer()
        unowned let pool: IdleUpstreamPool

        init(peer: Int, fd: consuming OwnedFD, requests: Int, openedMs: Int64, pool: IdleUpstreamPool) {
            self.peer = peer
            self.fd = .some(fd)
            self.requests = requests
            self.openedMs = openedMs
            self.pool = pool
            timer.handler = self
        }

        func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
            var probe: UInt8 = 0
            let peeked = withUnsafeMutableBytes(of: &probe) { try? Sys.peek(fd, $0) }
            if case .wouldBlock = peeked { return }  // a spurious wakeup: still idle
            pool.drop(self)
        }

        func timerFired(_ timer: LoopTimer, now: Int64) {
            pool.drop(self)
        }
    }

    let settings: UpstreamKeepaliveConfig
    private unowned let loop: EventLoop
    /// Oldest first: reuse takes from the end, eviction from the front.
    private var idle: [Connection] = []
    /// Set when the group is replaced (reload) or the worker stops: connections given back
    /// afterwards are closed at once.
    private var closed = false

    /// `keepalive_time` and `keepalive_timeout` in ms, converted once: Duration's components
    /// are not free, and every put needs both.
    private let timeMs: Int64
    private let timeoutMs: Int64

    init(settings: UpstreamKeepaliveConfig, loop: EventLoop) {
        self.settings = settings
        self.timeMs = settings.time.milliseconds
        self.timeoutMs = settings.timeout.milliseconds
        self.loop = loop
    }

    var count: Int { idle.count }

    /// The most recently used idle connection to `peer`, taken out of the pool; its new
    /// owner takes over its registration (`EventLoop.transfer`). nil when there is none.
    func take(peer: Int) -> Connection? {
        guard let index = idle.lastIndex(where: { $0.peer == peer }) else { return nil }
        let connection = idle.remove(at: index)
        loop.disarm(connection.timer)
        return connection
    }

    /// Keeps a connection whose exchange ended cleanly, unless it has served its requests or
    /// its time. `requests` counts the one just finished.
    func put(peer: Int, fd: consuming OwnedFD, requests: Int, openedMs: Int64) {
        let now = loop.now
        guard !closed, requests < settings.requests, now - openedMs < timeMs else {
            loop.deregister(fd: fd.raw)
            fd.close()
            return
        }
        let connection = Connection(peer: peer, fd: fd, requests: requests, openedMs: openedMs, pool: self)
        // Readable is enough to hear the upstream close an idle connection (EOF reads as
        // readable), and it is what the last owner was waiting for, so the handover usually
        // costs no system call.
        guard let raw = connection.fd?.raw else { return }
        guard (try? loop.transfer(fd: raw, interest: .readable, to: connection)) != nil else {
            loop.deregister(fd: raw)
            return  // the connection and its descriptor go with it
        }
        if idle.count >= settings.connections { drop(idle[0]) }
        idle.append(connection)
        loop.arm(connection.timer, afterMs: timeoutMs)
    }

    fileprivate func drop(_ connection: Connection) {
        guard let index = idle.firstIndex(where: { $0 === connection }) else { return }
        idle.remove(at: index)
        loop.disarm(connection.timer)
        if let raw = connection.fd?.raw { loop.deregister(fd: raw) }
        connection.fd = nil
    }

    /// Closes every idle connection and keeps none from now on.
    func closeAll() {
        closed = true
        while let first = idle.first { drop(first) }
    }
}

@available(*, unavailable)
extension IdleUpstreamPool: Sendable {}

@available(*, unavailable)
extension IdleUpstreamPool.Connection: Sendable {}
