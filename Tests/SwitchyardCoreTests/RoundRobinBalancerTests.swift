import Testing
@testable import SwitchyardCore
@testable import SwitchyardReactor

private func group(_ peers: [(weight: Int, backup: Bool, down: Bool)], maxFails: Int = 1, failTimeoutMs: Int64 = 10_000) -> UpstreamGroupSpec {
    UpstreamGroupSpec(name: "g", peers: peers.enumerated().map { i, p in
        PeerSpec(address: SocketAddress(ip: "127.0.0.1", port: 9000 + i)!, name: "p\(i)", weight: p.weight,
                 maxFails: maxFails, failTimeoutMs: failTimeoutMs, backup: p.backup, down: p.down)
    })
}

private func picks(_ balancer: inout UpstreamBalancer, _ count: Int, now: Int64 = 1000) -> [Int] {
    (0..<count).compactMap { _ in balancer.next(now: now, tried: TriedSet()) }
}

struct RoundRobinBalancerTests {
    /// Weights 5, 1, 1 give nginx's smooth sequence a a b a c a a, not a burst of a's.
    @Test func smoothWeightedOrderMatchesNginx() {
        var balancer = UpstreamBalancer(group: group([(5, false, false), (1, false, false), (1, false, false)]))
        #expect(picks(&balancer, 7) == [0, 0, 1, 0, 2, 0, 0])
        #expect(picks(&balancer, 7) == [0, 0, 1, 0, 2, 0, 0])
    }

    /// Equal weights rotate in order.
    @Test func equalWeightsRotate() {
        var balancer = UpstreamBalancer(group: group([(1, false, false), (1, false, false), (1, false, false)]))
        #expect(picks(&balancer, 6) == [0, 1, 2, 0, 1, 2])
    }

    /// A `down` server is never chosen.
    @Test func skipsDownServers() {
        var balancer = UpstreamBalancer(group: group([(1, false, true), (1, false, false)]))
        #expect(picks(&balancer, 3) == [1, 1, 1])
    }

    /// max_fails failures within fail_timeout take a server out until the window passes.
    @Test func failedServerRestsForFailTimeout() {
        var balancer = UpstreamBalancer(group: group([(1, false, false), (1, false, false)], maxFails: 1, failTimeoutMs: 1000))
        balancer.report(0, failed: true, now: 1000)
        #expect(picks(&balancer, 3, now: 1500) == [1, 1, 1])
        #expect(picks(&balancer, 4, now: 2600).contains(0))
    }

    /// Backup servers serve only while every primary is unavailable.
    @Test func backupOnlyWhenPrimariesFail() {
        var balancer = UpstreamBalancer(group: group([(1, false, false), (1, true, false)]))
        #expect(picks(&balancer, 3) == [0, 0, 0])
        balancer.report(0, failed: true, now: 1000)
        #expect(picks(&balancer, 2, now: 1001) == [1, 1])
    }

    /// Peers already tried by a session are skipped; when all are tried there is none.
    @Test func triedPeersAreSkipped() {
        var balancer = UpstreamBalancer(group: group([(1, false, false), (1, false, false)]))
        var tried = TriedSet()
        let first = balancer.next(now: 0, tried: tried)!
        tried.insert(first)
        let second = balancer.next(now: 0, tried: tried)!
        #expect(second != first)
        tried.insert(second)
        #expect(balancer.next(now: 0, tried: tried) == nil)
    }

    /// A lone server is never marked unavailable, as nginx ignores max_fails for it.
    @Test func singleServerIsAlwaysTried() {
        var balancer = UpstreamBalancer(group: group([(1, false, false)]))
        balancer.report(0, failed: true, now: 1000)
        balancer.report(0, failed: true, now: 1000)
        #expect(balancer.next(now: 1001, tried: TriedSet()) == 0)
    }
}

struct TriedSetTests {
    /// Indices past 64 spill to the overflow array and are still remembered.
    @Test func remembersLargeIndices() {
        var set = TriedSet()
        set.insert(3)
        set.insert(70)
        #expect(set.contains(3) && set.contains(70))
        #expect(!set.contains(4) && !set.contains(69))
    }
}
