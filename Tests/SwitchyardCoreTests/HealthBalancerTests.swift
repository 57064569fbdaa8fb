import SwitchyardConfig
import Testing
@testable import SwitchyardCore
@testable import SwitchyardReactor

/// The balancers skip the peers the health checks found unhealthy, in every worker's copy of
/// a group, since the verdicts live in the group spec they share.
struct HealthBalancerTests {
    private static let check = HealthCheckConfig(kind: .tcp, location: SwitchyardConfig.SourceLocation(file: "x", line: 1))

    /// Servers 10.0.0.1:80, 10.0.0.2:80, ... with `health_check` unless told otherwise.
    private func group(_ count: Int, method: BalancerMethod = .roundRobin, backup: Set<Int> = [], checked: Bool = true)
        -> UpstreamGroupSpec
    {
        let peers = (0..<count).map { index in
            PeerSpec(address: SocketAddress(ip: "10.0.0.\(index + 1)", port: 80)!, name: "10.0.0.\(index + 1):80",
                     weight: 1, maxFails: 1, failTimeoutMs: 10_000, backup: backup.contains(index), down: false)
        }
        return UpstreamGroupSpec(name: "g", peers: peers, method: method, healthCheck: checked ? Self.check : nil)
    }

    /// Every peer starts healthy; an unhealthy one gets nothing until it is healthy again.
    @Test func unhealthyPeerIsSkipped() {
        let spec = group(3)
        #expect((0..<3).allSatisfy(spec.health!.isHealthy))
        var balancer = UpstreamBalancer(group: spec)
        spec.health!.setHealthy(1, false)
        #expect(balancer.picks(6) == [0, 2, 0, 2, 0, 2])
        spec.health!.setHealthy(1, true)
        #expect(Set(balancer.picks(3)) == [0, 1, 2])
    }

    /// Two workers' balancers of one group see the same verdict.
    @Test func verdictIsSharedByEveryWorkersCopy() {
        let spec = group(2)
        var first = UpstreamBalancer(group: spec)
        var second = UpstreamBalancer(group: spec)
        spec.health!.setHealthy(0, false)
        #expect(first.picks(3) == [1, 1, 1])
        #expect(second.picks(3) == [1, 1, 1])
    }

    /// Backups serve while every primary is unhealthy, and hand back when one recovers.
    @Test func backupServesWhilePrimariesAreUnhealthy() {
        let spec = group(3, backup: [2])
        var balancer = UpstreamBalancer(group: spec)
        spec.health!.setHealthy(0, false)
        spec.health!.setHealthy(1, false)
        #expect(balancer.picks(3) == [2, 2, 2])
        spec.health!.setHealthy(1, true)
        #expect(balancer.picks(3) == [1, 1, 1])
    }

    /// All unhealthy: no peer at all, at once (the session answers 502 or closes).
    @Test func allUnhealthyIsNoLiveUpstream() {
        for method in [BalancerMethod.roundRobin, .leastConn, .ipHash, .random(two: true), hashMethod(consistent: true)] {
            let spec = group(3, method: method)
            var balancer = UpstreamBalancer(group: spec)
            for peer in 0..<3 { spec.health!.setHealthy(peer, false) }
            #expect(balancer.pick(key: "user-1") == nil, "\(method)")
            #expect(balancer.pick(client: "192.0.2.7") == nil, "\(method)")
        }
    }

    /// The hash methods rehash past an unhealthy server, as past a failed one.
    @Test func hashMovesOffAnUnhealthyServer() throws {
        let spec = group(4, method: hashMethod(consistent: true))
        var balancer = UpstreamBalancer(group: spec)
        let first = balancer.pick(key: "user-42")
        let home = try #require(first)
        spec.health!.setHealthy(home, false)
        let moved = balancer.pick(key: "user-42")
        #expect(moved != nil && moved != home)
        spec.health!.setHealthy(home, true)
        #expect(balancer.pick(key: "user-42") == home)
    }

    /// A group of one server is never taken out by passive failures (nginx), but is by a
    /// health check (nginx Plus).
    @Test func singleServerGoesDownOnlyByHealthCheck() {
        let spec = group(1)
        var balancer = UpstreamBalancer(group: spec)
        balancer.report(0, failed: true, now: 1000)
        #expect(balancer.picks(1) == [0])
        spec.health!.setHealthy(0, false)
        #expect(balancer.picks(1) == [])
    }

    /// Without `health_check` a group has no verdicts to keep, and every server serves.
    @Test func uncheckedGroupHasNoVerdicts() {
        let spec = group(2, checked: false)
        #expect(spec.health == nil)
        var balancer = UpstreamBalancer(group: spec)
        #expect(Set(balancer.picks(4)) == [0, 1])
    }
}
