import SwitchyardConfig
@testable import SwitchyardCore
@testable import SwitchyardReactor

/// An upstream group of servers 10.0.0.1:80, 10.0.0.2:80, ... with `weights`, for balancer tests.
func balancerGroup(
    _ weights: [Int], method: BalancerMethod = .roundRobin, backup: Set<Int> = [], down: Set<Int> = [],
    maxConns: [Int: Int] = [:], maxFails: Int = 1, failTimeoutMs: Int64 = 10_000, sticky: StickyCookieConfig? = nil,
    name: String = "g"
) -> UpstreamGroupSpec {
    let peers = weights.enumerated().map { index, weight in
        PeerSpec(
            address: SocketAddress(ip: "10.0.0.\(index + 1)", port: 80)!, name: "10.0.0.\(index + 1):80", weight: weight,
            maxFails: maxFails, failTimeoutMs: failTimeoutMs, backup: backup.contains(index), down: down.contains(index),
            maxConns: maxConns[index] ?? 0)
    }
    return UpstreamGroupSpec(name: name, peers: peers, method: method, sticky: sticky)
}

/// `hash $key` / `hash $key consistent` for `balancerGroup`: the key itself does not matter to
/// the balancer, which receives it evaluated.
func hashMethod(consistent: Bool) -> BalancerMethod {
    .hash(CompiledValue(parts: [.variable(.remoteAddr)], source: "$remote_addr"), consistent: consistent)
}

extension UpstreamBalancer {
    /// The first pick for a fresh request with `key` (the `hash` key).
    mutating func pick(key: String, now: Int64 = 1000, tried: TriedSet = TriedSet()) -> Int? {
        var context = PickContext(hashKey: Array(key.utf8))
        return next(now: now, tried: tried, context: &context)
    }

    /// The first pick for a fresh request from `client` (ip_hash).
    mutating func pick(client: String, now: Int64 = 1000) -> Int? {
        var context = PickContext(client: SocketAddress(ip: client, port: 40000)!)
        return next(now: now, tried: TriedSet(), context: &context)
    }

    /// `count` picks of requests without a key, each from a fresh context.
    mutating func picks(_ count: Int, now: Int64 = 1000) -> [Int] {
        (0..<count).compactMap { _ in next(now: now, tried: TriedSet()) }
    }
}
