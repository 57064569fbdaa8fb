import SwitchyardReactor

/// Every probe of one snapshot, owned by the prober's loop (its `owner`, so the stop job sent
/// through the loop handle can reach it).
final class HealthProbeSet {
    private let probes: [HealthProbe]

    init(targets: [HealthTarget], loop: EventLoop) {
        probes = targets.map { HealthProbe(target: $0, loop: loop) }
        loop.owner = self
    }

    func start() {
        for probe in probes { probe.start() }
    }

    func stop() {
        for probe in probes { probe.stop() }
    }
}

@available(*, unavailable)
extension HealthProbeSet: Sendable {}
