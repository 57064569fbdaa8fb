/// Live state of one peer in one worker: smooth-weighted-round-robin weights and failure
/// accounting. nginx without a `zone` keeps this per worker too; only the active connection
/// count is shared (`UpstreamLoad`).
struct PeerState {
    let weight: Int
    var effectiveWeight: Int
    var currentWeight = 0
    var fails = 0
    /// When the last failure happened (ms), and when the failure window was last checked.
    var accessed: Int64 = 0
    var checked: Int64 = 0
    let maxFails: Int
    let failTimeoutMs: Int64
    let maxConns: Int
    let down: Bool

    init(spec: PeerSpec) {
        weight = spec.weight
        effectiveWeight = spec.weight
        maxFails = spec.maxFails
        failTimeoutMs = spec.failTimeoutMs
        maxConns = spec.maxConns
        down = spec.down
    }

    /// Not `down` and not resting after `max_fails` failures within `fail_timeout`.
    func isAvailable(now: Int64) -> Bool {
        if down { return false }
        if maxFails > 0 && fails >= maxFails && now - checked <= failTimeoutMs { return false }
        return true
    }

    /// nginx starts a new failure window when a peer is chosen after the old one ended.
    mutating func chosen(now: Int64) {
        if now - checked > failTimeoutMs { checked = now }
    }

    /// Adds the effective weight to the current one (one smooth-weighted-round-robin step) and
    /// lets a weight lowered by failures recover by one.
    mutating func stepWeights() -> Int {
        currentWeight += effectiveWeight
        let added = effectiveWeight
        if effectiveWeight < weight { effectiveWeight += 1 }
        return added
    }
}
