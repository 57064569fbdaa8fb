import Glibc
import SwitchyardConfig
import SwitchyardReactor

/// One worker's idle connections to the peers of one http upstream group (`keepalive N`),
/// nginx's keepalive cache: most recently used first, the least recently used closed when
/// the cache is full, each connection dropped when its peer closes it (the end of stream
/// wakes it at once), when it has been idle for `keepalive_timeout`, or when it has served
/// `keepalive_requests` or lived `keepalive_time`.
final class IdleUpstreamPool {
    let settings: UpstreamKeepaliveConfig
    /// The worker that owns the pool owns the loop too. Unchecked: see `HTTPSession.worker`.
    private unowned(unsafe) let loop: EventLoop
    /// Oldest first: reuse takes from the end, eviction from the front.
    private var idle: [UpstreamLeg] = []
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
    func take(peer: Int) -> UpstreamLeg? {
        guard let index = idle.lastIndex(where: { $0.peer == peer }) else { return nil }
        let leg = idle.remove(at: index)
        loop.disarm(leg.idleTimer)
        leg.idlePool = nil
        return leg
    }

    /// Keeps a leg whose exchange ended cleanly, unless its connection has served its
    /// requests or its time; otherwise the connection is closed.
    func put(_ leg: UpstreamLeg) {
        guard let raw = leg.fd?.raw else { return }
        guard !closed, leg.priorRequests + 1 < settings.requests, loop.now - leg.openedMs < timeMs else {
            close(leg)
            return
        }
        // Readable is enough to hear the upstream close an idle connection (EOF reads as
        // readable), and it is what the last owner was waiting for, so the handover usually
        // costs no system call.
        guard (try? loop.transfer(fd: raw, interest: .readable, to: leg)) != nil else {
            close(leg)
            return
        }
        if idle.count >= settings.connections { drop(idle[0]) }
        // The bodies' flows point at the last client's socket and ring: not kept alive idle.
        leg.requestBody = nil
        leg.responseBody = nil
        leg.idlePool = self
        idle.append(leg)
        loop.arm(leg.idleTimer, afterMs: timeoutMs)
    }

    func drop(_ leg: UpstreamLeg) {
        guard let index = idle.firstIndex(where: { $0 === leg }) else { return }
        idle.remove(at: index)
        loop.disarm(leg.idleTimer)
        leg.idlePool = nil
        close(leg)
    }

    private func close(_ leg: UpstreamLeg) {
        if let raw = leg.fd?.raw { loop.deregister(fd: raw) }
        leg.fd = nil
    }

    /// Closes every idle connection and keeps none from now on.
    func closeAll() {
        closed = true
        while let first = idle.first { drop(first) }
    }
}

@available(*, unavailable)
extension IdleUpstreamPool: Sendable {}
