import Synchronization
import SwitchyardReactor

/// The active health checks of one snapshot: one thread with its own event loop probes every
/// server of every `upstream {}` with `health_check`, however many workers there are, and
/// writes the verdicts into the groups' shared `UpstreamHealth`, which every worker's balancer
/// reads. A reload stops it and starts the next snapshot's.
public final class HealthChecker: Sendable {
    private let handle: LoopHandle
    private let thread: LoopThread
    let targets: [HealthTarget]
    private let stopped = Atomic<Bool>(false)

    private init(handle: LoopHandle, targets: [HealthTarget], log: ErrorLog) {
        self.handle = handle
        self.targets = targets
        thread = LoopThread(name: "switchyard-hc") {
            let loop: EventLoop
            do {
                loop = try EventLoop(handle: handle, log: log, maxEvents: 64)
            } catch {
                // Nothing will probe: what a reload carried over must not keep servers out.
                for target in targets { target.health.setHealthy(target.peer, true) }
                log.emerg("\(error) while starting health checks: every server counts as healthy")
                return
            }
            let probes = HealthProbeSet(targets: targets, loop: loop)
            probes.start()
            withExtendedLifetime(probes) { loop.run() }
        }
    }

    /// Starts probing the servers of `snapshot` that have a `health_check`, or returns nil when
    /// none has. With `previous` (the checker of the snapshot being replaced, already
    /// stopped), servers it found unhealthy start unhealthy.
    public static func start(
        for snapshot: RuntimeSnapshot, log: ErrorLog, after previous: HealthChecker? = nil
    ) throws(SysError) -> HealthChecker? {
        let targets = HealthTarget.all(in: snapshot)
        guard !targets.isEmpty else { return nil }
        // Before anything is marked: a checker that cannot start must leave every server
        // healthy, not out of rotation with nothing to bring it back.
        let handle = try LoopHandle(id: -1)
        if let previous { HealthTarget.carryOver(from: previous.targets, to: targets) }
        let groups = Set(targets.map { "\($0.module) \($0.group)" }).count
        log.info("health checks: \(targets.count) server(s) of \(groups) upstream(s), probed from one thread")
        return HealthChecker(handle: handle, targets: targets, log: log)
    }

    /// Ends every probe and the thread, and waits for it; the verdicts stay as they were.
    /// Safe to call twice.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        handle.execute { loop in
            (loop.owner as? HealthProbeSet)?.stop()
            loop.stop()
        }
        thread.join()
    }
}
