import SwitchyardConfig
import Testing
@testable import SwitchyardCore
@testable import SwitchyardReactor

/// `ip_hash`, `hash KEY` and `hash KEY consistent`: nginx's numbers, stable across instances.
/// The expected peers were computed with a separate script of nginx's formulas.
struct HashBalancerTests {
    @Test func crc32MatchesZlib() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    /// nginx's ip_hash over the first three octets: 10.1.2.x → the second of three servers, and
    /// every address of one /24 lands on the same server.
    @Test func ipHashFollowsNginx() {
        var equal = UpstreamBalancer(group: balancerGroup([1, 1, 1], method: .ipHash))
        #expect(equal.pick(client: "10.1.2.3") == 1)
        #expect(equal.pick(client: "10.1.2.250") == 1)
        #expect(equal.pick(client: "192.168.0.7") == 0)
        var weighted = UpstreamBalancer(group: balancerGroup([2, 1, 1], method: .ipHash))
        #expect(weighted.pick(client: "172.16.5.1") == 1)
    }

    /// IPv6 clients are hashed on all sixteen bytes.
    @Test func ipHashUsesWholeIPv6Address() throws {
        #expect(PickContext.ipHashBytes(try #require(SocketAddress(ip: "2001:db8::1", port: 1))).count == 16)
        #expect(PickContext.ipHashBytes(try #require(SocketAddress(ip: "10.1.2.3", port: 1))) == [10, 1, 2])
        var balancer = UpstreamBalancer(group: balancerGroup([1, 1, 1], method: .ipHash))
        #expect(balancer.pick(client: "::") == 1)
    }

    /// Two balancers built separately (two workers, two instances, a restart) agree on every
    /// client, and requests keep agreeing however many came before.
    @Test func ipHashIsTheSameEverywhere() {
        var first = UpstreamBalancer(group: balancerGroup([1, 2, 1, 1], method: .ipHash))
        var second = UpstreamBalancer(group: balancerGroup([1, 2, 1, 1], method: .ipHash))
        _ = second.picks(7)
        for octet in 0..<200 {
            let client = "10.\(octet).\(octet / 3).1"
            #expect(first.pick(client: client) == second.pick(client: client), "\(client)")
        }
    }

    /// nginx's `hash KEY`: the CRC-32 of the key, modulo the total weight.
    @Test func hashFollowsNginx() {
        let keys = ["user-1", "user-2", "alpha", "/index.html", "10.0.0.7"]
        var equal = UpstreamBalancer(group: balancerGroup([1, 1, 1], method: hashMethod(consistent: false)))
        #expect(keys.map { equal.pick(key: $0) } == [2, 0, 1, 2, 2])
        var weighted = UpstreamBalancer(group: balancerGroup([3, 1, 1], method: hashMethod(consistent: false)))
        #expect(keys.map { weighted.pick(key: $0) } == [2, 0, 2, 0, 0])
    }

    /// nginx's ketama ring: 160 points per weight unit from `HOST \0 PORT`; a key goes to the
    /// first point at or after its CRC-32.
    @Test func consistentHashFollowsNginx() {
        let keys = ["user-1", "user-2", "alpha", "/index.html", "10.0.0.7"]
        let group = balancerGroup([1, 1, 1, 1], method: hashMethod(consistent: true))
        #expect(group.ring?.points.count == 640)
        #expect(group.ring?.points.prefix(2) == [3_751_338, 13_455_467])
        var balancer = UpstreamBalancer(group: group)
        #expect(keys.map { balancer.pick(key: $0) } == [0, 1, 2, 0, 3])
        var weighted = UpstreamBalancer(group: balancerGroup([2, 1, 1, 1], method: hashMethod(consistent: true)))
        #expect(keys.map { weighted.pick(key: $0) } == [0, 1, 2, 0, 0])
    }

    /// Same config, same mapping: two rings built apart agree on 10,000 keys.
    @Test func consistentHashIsTheSameEverywhere() {
        var first = UpstreamBalancer(group: balancerGroup([1, 1, 2, 1], method: hashMethod(consistent: true)))
        var second = UpstreamBalancer(group: balancerGroup([1, 1, 2, 1], method: hashMethod(consistent: true)))
        var differing = 0
        for index in 0..<10_000 where first.pick(key: "key-\(index)") != second.pick(key: "key-\(index)") {
            differing += 1
        }
        #expect(differing == 0)
    }

    /// A fifth server added to four takes about a fifth of the keys, and only those: between
    /// 15% and 25% of 10,000 keys move, each to the new server.
    @Test func addingAServerRemapsAFifth() {
        var four = UpstreamBalancer(group: balancerGroup([1, 1, 1, 1], method: hashMethod(consistent: true)))
        var five = UpstreamBalancer(group: balancerGroup([1, 1, 1, 1, 1], method: hashMethod(consistent: true)))
        var moved = 0
        var movedElsewhere = 0
        for index in 0..<10_000 {
            let before = four.pick(key: "key-\(index)")
            let after = five.pick(key: "key-\(index)")
            if before != after {
                moved += 1
                if after != 4 { movedElsewhere += 1 }
            }
        }
        #expect((1500...2500).contains(moved), "moved \(moved) of 10000")
        #expect(movedElsewhere == 0)
    }

    /// Plain `hash` is not consistent: the same change moves most keys, which is why
    /// `consistent` exists.
    @Test func plainHashRemapsMost() {
        var four = UpstreamBalancer(group: balancerGroup([1, 1, 1, 1], method: hashMethod(consistent: false)))
        var five = UpstreamBalancer(group: balancerGroup([1, 1, 1, 1, 1], method: hashMethod(consistent: false)))
        let moved = (0..<2000).filter { four.pick(key: "key-\($0)") != five.pick(key: "key-\($0)") }.count
        #expect(moved > 1000, "moved \(moved) of 2000")
    }

    /// A failed server's keys go to the next server on the ring; every other key stays. When
    /// its fail_timeout has passed, one of its keys probes it, and once that succeeds all its
    /// keys come back.
    @Test func consistentHashFailover() throws {
        var balancer = UpstreamBalancer(group: balancerGroup([1, 1, 1, 1], method: hashMethod(consistent: true), failTimeoutMs: 1000))
        let keys = (0..<400).map { "key-\($0)" }
        let before = keys.map { balancer.pick(key: $0, now: 1000) }
        balancer.report(2, failed: true, now: 1000)
        let during = keys.map { balancer.pick(key: $0, now: 1500) }
        for (old, new) in zip(before, during) {
            if old == 2 {
                #expect(new != 2)
            } else {
                #expect(new == old)
            }
        }
        let probe = try #require(before.firstIndex(of: 2))
        #expect(balancer.pick(key: keys[probe], now: 2600) == 2)
        balancer.report(2, failed: false, now: 2600)
        #expect(keys.map { balancer.pick(key: $0, now: 2601) } == before)
    }

    /// A retry (the first peer tried and failed) continues along the ring, as nginx does, and
    /// never offers a tried peer again.
    @Test func retriesWalkTheRing() {
        var balancer = UpstreamBalancer(group: balancerGroup([1, 1, 1], method: hashMethod(consistent: true)))
        var context = PickContext(hashKey: Array("user-1".utf8))
        var tried = TriedSet()
        var seen: [Int] = []
        for _ in 0..<3 {
            guard let peer = balancer.next(now: 1000, tried: tried, context: &context) else { break }
            seen.append(peer)
            tried.insert(peer)
        }
        #expect(Set(seen) == [0, 1, 2])
        #expect(balancer.next(now: 1000, tried: tried, context: &context) == nil)
    }

    /// ip_hash and hash rehash past a down or failed server (nginx's loop), deterministically,
    /// and give the server back its clients once it recovers.
    @Test func hashesRehashPastUnavailableServers() {
        var ipHash = UpstreamBalancer(group: balancerGroup([1, 1, 1], method: .ipHash, failTimeoutMs: 1000))
        #expect(ipHash.pick(client: "10.1.2.3", now: 1000) == 1)
        ipHash.report(1, failed: true, now: 1000)
        let moved = ipHash.pick(client: "10.1.2.3", now: 1001)
        #expect(moved != nil && moved != 1)
        #expect(ipHash.pick(client: "10.1.2.3", now: 1002) == moved)
        #expect(ipHash.pick(client: "10.1.2.3", now: 2500) == 1)

        var hash = UpstreamBalancer(group: balancerGroup([1, 1, 1], method: hashMethod(consistent: false), down: [2]))
        let picks = (0..<50).map { hash.pick(key: "k\($0)") }
        #expect(!picks.contains(2) && !picks.contains(nil))
    }

    /// With every server but one unavailable the hash methods still find it (20 rehashes, then
    /// round robin, as nginx), and with none left they say so.
    @Test func hashesFallBackToRoundRobin() {
        for method in [BalancerMethod.ipHash, hashMethod(consistent: false), hashMethod(consistent: true)] {
            var balancer = UpstreamBalancer(group: balancerGroup([1, 1, 1, 1, 1], method: method, down: [0, 1, 2, 4]))
            for index in 0..<20 {
                #expect(balancer.pick(key: "k\(index)") == 3, "\(method)")
                #expect(balancer.pick(client: "10.0.\(index).1") == 3, "\(method)")
            }
            var none = UpstreamBalancer(group: balancerGroup([1, 1], method: method, down: [0, 1]))
            #expect(none.pick(key: "k") == nil, "\(method)")
        }
    }

    /// An empty key is round robin, as in nginx.
    @Test func emptyKeyIsRoundRobin() {
        var balancer = UpstreamBalancer(group: balancerGroup([1, 1, 1], method: hashMethod(consistent: true)))
        #expect((0..<6).map { _ in balancer.pick(key: "") } == [0, 1, 2, 0, 1, 2])
    }
}
