import SwitchyardConfig
import SwitchyardReactor

/// A connection after `101 Switching Protocols`: the HTTP session hands both sockets to a
/// tunnel and steps aside; no byte is parsed from here on. nginx's timeout for an upgraded
/// connection applies: `proxy_read_timeout` of silence from the upstream closes both sides.
final class UpgradedSession: WorkerSession, TunnelDelegate, TimerHandler {
    private unowned let worker: Worker
    private let tunnel: Tunnel
    private let timer = LoopTimer()
    private let readTimeoutMs: Int64
    private let context: String
    private let startedAt: Int64
    private var ended = false

    init(worker: Worker, tunnel: Tunnel, readTimeout: Duration, context: String) {
        self.worker = worker
        self.tunnel = tunnel
        self.readTimeoutMs = readTimeout.milliseconds
        self.context = context
        self.startedAt = worker.loop.now
        timer.handler = self
    }

    func start() throws(SysError) {
        tunnel.delegate = self
        try tunnel.start(on: worker.loop)
        worker.loop.arm(timer, afterMs: readTimeoutMs)
    }

    func tunnelDidMoveBytes(_ tunnel: Tunnel, toward side: TunnelSide) {
        // Bytes toward the client came from the upstream: it is not silent.
        if side == .client { worker.loop.touch(timer, afterMs: readTimeoutMs) }
    }

    func tunnelDidEnd(_ tunnel: Tunnel, _ end: TunnelEnd) {
        guard !ended else { return }
        ended = true
        worker.loop.disarm(timer)
        let copied = tunnel.bytesCopied
        let moved = tunnel.bytesToUpstream + tunnel.bytesToClient
        worker.metrics.bytesCopied.add(copied, ordering: .relaxed)
        worker.metrics.bytesSpliced.add(moved - copied, ordering: .relaxed)
        if tunnel.lostBytes > 0 { worker.metrics.bytesLost.add(UInt64(tunnel.lostBytes), ordering: .relaxed) }
        if worker.log.enabled(.info) {
            let seconds = Double(worker.loop.now - startedAt) / 1000
            worker.log.info("upgraded connection done: \(end), sent \(tunnel.bytesToUpstream), received \(tunnel.bytesToClient), "
                + "lost \(tunnel.lostBytes), time \(seconds)s\(context)")
        }
        worker.sessionEnded(self)
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        worker.log.info("upstream timed out (110: Connection timed out) while proxying upgraded connection\(context)")
        tunnel.abort("proxy_read_timeout", loop: worker.loop)
    }

    func abort(_ reason: String) {
        tunnel.abort(reason, loop: worker.loop)
    }

    /// A graceful stop waits for upgraded connections, as for stream sessions.
    func quit() {}
}

@available(*, unavailable)
extension UpgradedSession: Sendable {}
