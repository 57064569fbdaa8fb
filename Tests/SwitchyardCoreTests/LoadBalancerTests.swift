import SwitchyardConfig
import Testing
@testable import SwitchyardCore
@testable import SwitchyardReactor

/// The methods that read active connection counts (`least_conn`, `random two`) and the limit
/// on them (`max_conns`), with counts shared by every worker's balancer.
struct LoadBalancerTests {
    /// Opens `count` long-lived connections: each pick is counted and never released.
    private func open(_ count: Int, on balancer: inout UpstreamBalancer) -> [Int] {
        var perPeer = Array(repeating: 0, count: balancer.peerCount)
        for _ in 0..<count {
            guard let peer = balancer.next(now: 1000, tried: TriedSet()) else { break }
            balancer.acquired(peer)
            perPeer[peer] += 1
        }
        return perPeer
    }

    /// 1,000 long-lived connections over four equal servers: 250 each.
    @Test func leastConnSpreadsEvenly() {
        var balancer = UpstreamBalancer(group: balancerGroup([1, 1, 1, 1], method: .leastConn))
        let perPeer = open(1000, on: &balancer)
        #expect(perPeer.allSatisfy { (248...252).contains($0) }, "\(perPeer)")
        #expect((0..<4).map(balancer.group.load.active) == perPeer)
    }

    /// ... and in proportion to weight.
    @Test func leastConnFollowsWeights() {
        var balancer = UpstreamBalancer(group: balancerGroup([3, 1, 2, 2], method: .leastConn))
        let perPeer = open(1000, on: &balancer)
        for (count, expected) in zip(perPeer, [375, 125, 250, 250]) {
            #expect(abs(count - expected) <= 3, "\(perPeer)")
        }
    }

    /// Round robin spreads new connections, not open ones: when one server keeps its
    /// connections and the others' end, least_conn sends the next ones elsewhere.
    @Test func leastConnAvoidsTheBusyServer() {
        var balancer = UpstreamBalancer(group: balancerGroup([1, 1, 1], method: .leastConn))
        for _ in 0..<5 { balancer.acquired(0) }
        #expect(!balancer.picks(20).contains(0))
        for _ in 0..<5 { balancer.released(0) }
        #expect(balancer.picks(3).contains(0))
    }

    /// With equal counts, least_conn breaks ties by nginx's smooth weighted round robin.
    @Test func leastConnTiesUseSmoothWeights() {
        var balancer = UpstreamBalancer(group: balancerGroup([5, 1, 1], method: .leastConn))
        #expect(balancer.picks(7) == [0, 0, 1, 0, 2, 0, 0])
    }

    /// Two workers' balancers of one snapshot share one set of counts: what one worker opened
    /// steers the other.
    @Test func countsAreSharedBetweenWorkers() {
        let group = balancerGroup([1, 1], method: .leastConn)
        var first = UpstreamBalancer(group: group)
        var second = UpstreamBalancer(group: group)
        let opened = open(10, on: &first)
        #expect(opened == [5, 5])
        for _ in 0..<4 { first.acquired(1) }
        #expect(second.picks(3) == [0, 0, 0])
    }

    /// Counts stay exact when threads open and close at once.
    @Test func countsSurviveConcurrency() async {
        let group = balancerGroup([1, 1, 1], method: .leastConn)
        await withTaskGroup(of: Void.self) { tasks in
            for _ in 0..<4 {
                tasks.addTask {
                    var balancer = UpstreamBalancer(group: group)
                    for round in 0..<10_000 {
                        balancer.acquired(round % 3)
                        balancer.released(round % 3)
                    }
                    balancer.acquired(1)
                }
            }
        }
        #expect((0..<3).map(group.load.active) == [0, 4, 0])
    }

    /// A server at `max_conns` is skipped until a connection ends; when every server is full
    /// there is no live upstream, a lone server included.
    @Test func maxConnsIsRespected() {
        for method in [BalancerMethod.roundRobin, .leastConn, .ipHash, hashMethod(consistent: true), .random(two: true)] {
            var balancer = UpstreamBalancer(group: balancerGroup([1, 1], method: method, maxConns: [0: 2, 1: 3]))
            var perPeer = [0, 0]
            for index in 0..<10 {
                var context = PickContext(client: SocketAddress(ip: "10.9.\(index).1", port: 1)!, hashKey: Array("k\(index)".utf8))
                guard let peer = balancer.next(now: 1000, tried: TriedSet(), context: &context) else { continue }
                balancer.acquired(peer)
                perPeer[peer] += 1
            }
            #expect(perPeer == [2, 3], "\(method)")
            balancer.released(0)
            #expect(balancer.picks(1) == [0], "\(method)")
        }
        var lone = UpstreamBalancer(group: balancerGroup([1], maxConns: [0: 1]))
        #expect(lone.picks(1) == [0])
        lone.acquired(0)
        #expect(lone.picks(1) == [])
    }

    /// Backup servers take connections only while no primary can: failed, down, or full.
    @Test func backupOnlyWhenAllPrimariesAreUnavailable() {
        var balancer = UpstreamBalancer(
            group: balancerGroup([1, 1, 1], method: .leastConn, backup: [2], maxConns: [1: 1], failTimeoutMs: 1000))
        #expect(!balancer.picks(6).contains(2))
        balancer.report(0, failed: true, now: 1000)
        #expect(balancer.picks(3, now: 1001) == [1, 1, 1])
        balancer.acquired(1)
        #expect(balancer.picks(3, now: 1002) == [2, 2, 2])
        balancer.released(1)
        #expect(balancer.picks(1, now: 1003) == [1])
        #expect(!balancer.picks(4, now: 2500).contains(2))
    }

    /// `random` draws in proportion to weight and never a down server.
    @Test func randomFollowsWeights() {
        var balancer = UpstreamBalancer(group: balancerGroup([3, 1, 1], method: .random(two: false), down: [2]))
        let picks = balancer.picks(8000)
        let first = picks.filter { $0 == 0 }.count
        #expect(picks.count == 8000 && !picks.contains(2))
        #expect((5600...6400).contains(first), "\(first) of 8000 on the weight-3 server")
    }

    /// `random two` keeps the less loaded of its two draws: the busiest server never wins,
    /// the idlest wins whenever it is drawn.
    @Test func randomTwoPrefersTheLessLoaded() {
        var balancer = UpstreamBalancer(group: balancerGroup([1, 1, 1], method: .random(two: true)))
        for _ in 0..<9 { balancer.acquired(0) }
        balancer.acquired(1)
        let picks = balancer.picks(600)
        let counts = (0..<3).map { peer in picks.filter { $0 == peer }.count }
        #expect(counts[0] == 0, "\(counts)")
        #expect(counts[2] > counts[1], "\(counts)")
    }
}
