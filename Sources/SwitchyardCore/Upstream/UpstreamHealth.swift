import Synchronization

/// What the active health checks last decided about each peer of one upstream group, shared
/// by every worker thread: the snapshot's spec of a group with `health_check` holds one, the
/// one prober thread writes it, and each worker's balancer reads it (nginx Plus shares it
/// through the group's `zone`).
/// Every peer starts healthy, as nginx Plus starts them (without `mandatory`).
public final class UpstreamHealth: Sendable {
    private final class Flag: Sendable {
        let unhealthy = Atomic<Bool>(false)
    }

    private let flags: [Flag]

    public init(peerCount: Int) {
        flags = (0..<peerCount).map { _ in Flag() }
    }

    /// False once `fails` probes in a row failed, until `passes` in a row pass.
    public func isHealthy(_ peer: Int) -> Bool {
        !flags[peer].unhealthy.load(ordering: .relaxed)
    }

    func setHealthy(_ peer: Int, _ healthy: Bool) {
        flags[peer].unhealthy.store(!healthy, ordering: .relaxed)
    }
}
