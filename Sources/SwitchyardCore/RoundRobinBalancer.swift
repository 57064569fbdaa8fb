/// Live state of one peer in one worker. nginx without a `zone` keeps this per worker too.
struct PeerState {
    var weight: Int
    var effectiveWeight: Int
    var currentWeight = 0
    var fails = 0
    /// When the last failure happened (ms), and when the failure window was last checked.
    var accessed: Int64 = 0
    var checked: Int64 = 0
    let maxFails: Int
    let failTimeoutMs: Int64
    let down: Bool

    init(spec: PeerSpec) {
        weight = spec.weight
        effectiveWeight = spec.weight
        maxFails = spec.maxFails
        failTimeoutMs = spec.failTimeoutMs
        down = spec.down
    }

    func isAvailable(now: Int64) -> Bool {
        if down { return false }
        if maxFails > 0 && fails >= maxFails && now - checked <= failTimeoutMs { return false }
        return true
    }
}

/// A pick: which peer, and whether it came from the backup list.
public struct PeerChoice: Sendable, Equatable {
    public var index: Int
    public var backup: Bool
}

/// nginx's smooth weighted round robin, with max_fails/fail_timeout and backup servers.
/// Selection yields one candidate at a time; `proxy_next_upstream` is simply "ask again".
public struct RoundRobinBalancer {
    public let group: UpstreamGroupSpec
    private var primary: [PeerState]
    private var backups: [PeerState]
    private let primaryIndices: [Int]
    private let backupIndices: [Int]

    public init(group: UpstreamGroupSpec) {
        self.group = group
        primaryIndices = group.peers.indices.filter { !group.peers[$0].backup }
        backupIndices = group.peers.indices.filter { group.peers[$0].backup }
        primary = primaryIndices.map { PeerState(spec: group.peers[$0]) }
        backups = backupIndices.map { PeerState(spec: group.peers[$0]) }
    }

    /// How many servers a session may try before giving up (nginx's default tries).
    public var peerCount: Int { group.peers.count }

    /// The next peer to try, skipping those in `tried` (indices into `group.peers`), down
    /// ones and those failed within their window. nil means no live upstreams.
    mutating func next(now: Int64, tried: TriedSet) -> Int? {
        // A single server is never considered unavailable (nginx ignores max_fails then).
        if primaryIndices.count == 1 && backupIndices.isEmpty {
            let only = primaryIndices[0]
            return primary[0].down || tried.contains(only) ? nil : only
        }
        if let pick = Self.pick(&primary, indices: primaryIndices, now: now, tried: tried) { return pick }
        if let pick = Self.pick(&backups, indices: backupIndices, now: now, tried: tried) { return pick }
        // Everything failed: like nginx, forget the failures so the next session tries again.
        if tried.isEmptyFor(primaryIndices + backupIndices) {
            for i in primary.indices { primary[i].fails = 0 }
            for i in backups.indices { backups[i].fails = 0 }
        }
        return nil
    }

    /// Records the outcome of using a peer (nginx's `free_peer`).
    mutating func report(_ peer: Int, failed: Bool, now: Int64) {
        let isBackup = group.peers[peer].backup
        guard let slot = (isBackup ? backupIndices : primaryIndices).firstIndex(of: peer) else { return }
        func update(_ state: inout PeerState) {
            if failed {
                state.fails += 1
                state.accessed = now
                state.checked = now
                if state.maxFails > 0 {
                    state.effectiveWeight = max(0, state.effectiveWeight - state.weight / state.maxFails)
                }
            } else if state.accessed < state.checked {
                state.fails = 0
            }
        }
        if isBackup { update(&backups[slot]) } else { update(&primary[slot]) }
    }

    /// True when this failure just took the peer out of rotation (for a one-time warning).
    func justDisabled(_ peer: Int) -> Bool {
        let isBackup = group.peers[peer].backup
        guard let slot = (isBackup ? backupIndices : primaryIndices).firstIndex(of: peer) else { return false }
        let state = isBackup ? backups[slot] : primary[slot]
        return state.maxFails > 0 && state.fails == state.maxFails
    }

    private static func pick(_ states: inout [PeerState], indices: [Int], now: Int64, tried: TriedSet) -> Int? {
        var best: Int?
        var total = 0
        for i in states.indices {
            if tried.contains(indices[i]) || !states[i].isAvailable(now: now) { continue }
            states[i].currentWeight += states[i].effectiveWeight
            total += states[i].effectiveWeight
            if states[i].effectiveWeight < states[i].weight { states[i].effectiveWeight += 1 }
            if best == nil || states[i].currentWeight > states[best!].currentWeight { best = i }
        }
        guard let chosen = best else { return nil }
        states[chosen].currentWeight -= total
        if now - states[chosen].checked > states[chosen].failTimeoutMs { states[chosen].checked = now }
        return indices[chosen]
    }
}

extension TriedSet {
    func isEmptyFor(_ indices: [Int]) -> Bool {
        !indices.contains { contains($0) }
    }
}
