import SwitchyardConfig
import SwitchyardReactor

/// A connection after `101 Switching Protocols`: the HTTP session hands both sockets to a
/// tunnel and steps aside; no byte is parsed from here on. nginx's timeouts for an upgraded
/// connection apply: `proxy_read_timeout` without a byte from the upstream, or
/// `proxy_send_timeout` without a byte to it, closes both sides.
final class UpgradedSession: WorkerSession, TunnelDelegate, TimerHandler {
    /// The worker owns this object and outlives it. Unchecked: a checked `unowned` costs a
    /// runtime call on every access, several per request.
    private unowned(unsafe) let worker: Worker
    private let tunnel: Tunnel
    private let timer = LoopTimer()
    private let readTimeoutMs: Int64
    private let sendTimeoutMs: Int64
    /// When a byte last came from / went to the upstream (monotonic ms), as the tunnel saw it.
    private var lastFromUpstream: Int64 { tunnel.lastToClientMs }
    private var lastToUpstream: Int64 { tunnel.lastToUpstreamMs }
    /// The end of its log lines (client, server, request, upstream), made only when needed.
    private let context: () -> String
    private let startedAt: Int64
    private var ended = false
    /// The upstream peer this connection counts against (`least_conn`, `max_conns`) until
    /// the tunnel ends: a WebSocket is a long-lived connection to its server.
    private let held: (group: UpstreamGroup, peer: Int)?

    init(worker: Worker, tunnel: Tunnel, readTimeout: Duration, sendTimeout: Duration, context: @escaping () -> String,
         held: (group: UpstreamGroup, peer: Int)? = nil) {
        self.held = held
        self.worker = worker
        self.tunnel = tunnel
        self.readTimeoutMs = readTimeout.milliseconds
        self.sendTimeoutMs = sendTimeout.milliseconds
        self.context = context
        self.startedAt = worker.loop.now
        timer.handler = self
    }

    func start() throws(SysError) {
        tunnel.delegate = self
        try tunnel.start(on: worker.loop)
        worker.loop.arm(timer, afterMs: min(readTimeoutMs, sendTimeoutMs))
    }

    /// The earlier of the two idle deadlines.
    private var deadline: Int64 { min(lastFromUpstream + readTimeoutMs, lastToUpstream + sendTimeoutMs) }

    func tunnelDidEnd(_ tunnel: Tunnel, _ end: TunnelEnd) {
        guard !ended else { return }
        ended = true
        worker.loop.disarm(timer)
        if let held { held.group.balancer.released(held.peer) }
        let copied = tunnel.bytesCopied
        let moved = tunnel.bytesToUpstream + tunnel.bytesToClient
        worker.metrics.bytesCopied.add(copied, ordering: .relaxed)
        worker.metrics.bytesSpliced.add(moved - copied, ordering: .relaxed)
        if tunnel.lostBytes > 0 { worker.metrics.bytesLost.add(UInt64(tunnel.lostBytes), ordering: .relaxed) }
        if worker.log.enabled(.info) {
            let seconds = Double(worker.loop.now - startedAt) / 1000
            worker.log.info("upgraded connection done: \(end), sent \(tunnel.bytesToUpstream), received \(tunnel.bytesToClient), "
                + "lost \(tunnel.lostBytes), time \(seconds)s\(context())")
        }
        worker.sessionEnded(self)
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        if now < deadline {
            worker.loop.arm(timer, afterMs: deadline - now)
            return
        }
        let which = now >= lastFromUpstream + readTimeoutMs ? "proxy_read_timeout" : "proxy_send_timeout"
        worker.log.info("upstream timed out (110: Connection timed out) while proxying upgraded connection (\(which))\(context())")
        tunnel.abort(which, loop: worker.loop)
    }

    func abort(_ reason: String) {
        tunnel.abort(reason, loop: worker.loop)
    }

    /// A graceful stop waits for upgraded connections, as for stream sessions.
    func quit() {}
}

@available(*, unavailable)
extension UpgradedSession: Sendable {}
