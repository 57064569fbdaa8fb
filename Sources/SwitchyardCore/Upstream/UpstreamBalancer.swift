import SwitchyardConfig

/// Chooses the peers of one upstream group for one worker, with every nginx method: smooth
/// weighted round robin (the default), `ip_hash`, `hash`, `hash consistent`, `least_conn`,
/// `random` and `random two`. `down`, `max_fails`/`fail_timeout`, `max_conns`, active health
/// checks, backup servers and a sticky id apply to all of them, as nginx (Plus) applies them.
///
/// Selection yields one candidate at a time; `proxy_next_upstream` is asking again with the
/// same `PickContext` and the peers tried so far. Each method follows nginx's source, so the
/// same key picks the same server here as in nginx and in every other Switchyard instance.
public struct UpstreamBalancer {
    public let group: UpstreamGroupSpec
    /// One per peer, indexed like `group.peers`.
    private var states: [PeerState]
    private let primaries: [Int]
    private let backups: [Int]
    /// nginx's `total_weight`: the primary weights, down servers included, which the hash and
    /// random methods index into.
    private let primaryWeight: Int
    private var random = SystemRandomNumberGenerator()
    /// The verdicts of the group's `health_check`, nil without one: peers the probes found
    /// unhealthy are skipped.
    private let health: UpstreamHealth?

    /// Candidates a hash or random method may reject before round robin takes over (nginx's).
    static let maxTries = 20

    public init(group: UpstreamGroupSpec) {
        self.group = group
        states = group.peers.map(PeerState.init)
        primaries = group.peers.indices.filter { !group.peers[$0].backup }
        backups = group.peers.indices.filter { group.peers[$0].backup }
        primaryWeight = primaries.reduce(0) { $0 + group.peers[$1].weight }
        health = group.health
    }

    /// How many servers a session may try before giving up (nginx's default tries).
    public var peerCount: Int { group.peers.count }

    /// The next peer for a session that tells nothing about its client: round robin, or the
    /// group's method with an empty key (which nginx's hash methods answer with round robin).
    mutating func next(now: Int64, tried: TriedSet) -> Int? {
        var context = PickContext()
        return next(now: now, tried: tried, context: &context)
    }

    /// The next peer to try, skipping those in `tried` (indices into `group.peers`), down ones,
    /// those resting after failures and those at `max_conns`. nil means no live upstreams.
    mutating func next(now: Int64, tried: TriedSet, context: inout PickContext) -> Int? {
        // A single server is never considered unavailable (nginx ignores max_fails then),
        // unless a health check says so, as in nginx Plus.
        if primaries.count == 1 && backups.isEmpty {
            let only = primaries[0]
            return states[only].down || tried.contains(only) || isFull(only) || !isHealthy(only) ? nil : only
        }
        if let peer = stickyPeer(context, now: now, tried: tried) { return peer }
        switch group.method {
        case .roundRobin: return roundRobin(now: now, tried: tried)
        case .leastConn: return leastConn(now: now, tried: tried)
        case .ipHash: return ipHash(now: now, tried: tried, context: &context)
        case .hash(_, consistent: false): return hash(now: now, tried: tried, context: &context)
        case .hash(_, consistent: true): return consistentHash(now: now, tried: tried, context: &context)
        case .random(two: true): return randomTwo(now: now, tried: tried, context: &context)
        case .random(two: false): return randomOne(now: now, tried: tried, context: &context)
        }
    }

    /// Records the outcome of using a peer (nginx's `free_peer`).
    mutating func report(_ peer: Int, failed: Bool, now: Int64) {
        guard states.indices.contains(peer) else { return }
        var state = states[peer]
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
        states[peer] = state
    }

    /// True when this failure just took the peer out of rotation (for a one-time warning).
    func justDisabled(_ peer: Int) -> Bool {
        guard states.indices.contains(peer) else { return false }
        return states[peer].maxFails > 0 && states[peer].fails == states[peer].maxFails
    }

    /// A connection to `peer` is being opened: it counts for `least_conn`, `random two` and
    /// `max_conns` in every worker until `released`. Call it as soon as `next` chose the peer
    /// (as nginx counts from the choice), so a burst of connects does not all land on the
    /// peer that looked idlest. Mutating though it changes only shared counters: called on a
    /// group's stored balancer, a non-mutating method gets a copy of the whole struct.
    mutating func acquired(_ peer: Int) {
        group.load.acquire(peer)
    }

    /// The connection `acquired` counted is gone: its connect failed, or it ended.
    mutating func released(_ peer: Int) {
        group.load.release(peer)
    }

    // MARK: methods

    private mutating func roundRobin(now: Int64, tried: TriedSet) -> Int? {
        if let pick = smoothWeighted(primaries, now: now, tried: tried) { return pick }
        if let pick = smoothWeighted(backups, now: now, tried: tried) { return pick }
        return exhausted(tried)
    }

    /// nginx's least_conn: the fewest active connections relative to weight
    /// (`conns_a * weight_b < conns_b * weight_a`); ties share by smooth weighted round robin.
    private mutating func leastConn(now: Int64, tried: TriedSet) -> Int? {
        if let pick = leastConn(primaries, now: now, tried: tried) { return pick }
        if let pick = leastConn(backups, now: now, tried: tried) { return pick }
        return exhausted(tried)
    }

    private mutating func leastConn(_ indices: [Int], now: Int64, tried: TriedSet) -> Int? {
        var best: Int?
        var bestLoad = 0
        var tied = false
        for peer in indices where isUsable(peer, now: now, tried: tried) {
            let load = group.load.active(peer)
            if let current = best, load * states[current].weight >= bestLoad * states[peer].weight {
                if load * states[current].weight == bestLoad * states[peer].weight { tied = true }
                continue
            }
            best = peer
            bestLoad = load
            tied = false
        }
        guard var chosen = best else { return nil }
        if tied {
            // Only peers from `best` on can tie: every earlier one lost to an earlier best.
            var total = 0
            var top: Int?
            for peer in indices where peer >= chosen && isUsable(peer, now: now, tried: tried) {
                guard group.load.active(peer) * states[chosen].weight == bestLoad * states[peer].weight else { continue }
                total += states[peer].stepWeights()
                if top == nil || states[peer].currentWeight > states[top!].currentWeight { top = peer }
            }
            // Another worker may have changed the counts in between; then the first best stands.
            chosen = top ?? chosen
            states[chosen].currentWeight -= total
        }
        states[chosen].chosen(now: now)
        return chosen
    }

    /// nginx's ip_hash: starting from 89, `hash = (hash * 113 + byte) % 6271` over the address
    /// bytes, as many rounds as it takes to hit an available server, at most 20 times.
    private mutating func ipHash(now: Int64, tried: TriedSet, context: inout PickContext) -> Int? {
        guard context.tries <= Self.maxTries, primaries.count >= 2 else { return roundRobin(now: now, tried: tried) }
        var hash = context.hash ?? 89
        while true {
            for byte in context.clientBytes {
                hash = (hash * 113 + Int(byte)) % 6271
            }
            let peer = primary(atWeight: hash % primaryWeight)
            if isUsable(peer, now: now, tried: tried) {
                context.hash = hash
                states[peer].chosen(now: now)
                return peer
            }
            context.tries += 1
            if context.tries > Self.maxTries { return roundRobin(now: now, tried: tried) }
        }
    }

    /// nginx's hash (compatible with Cache::Memcached): each round adds
    /// `(crc32([ROUND] KEY) >> 16) & 0x7fff` to the sum, the round number salting the key from
    /// the second round on; the sum modulo the total weight names the server.
    private mutating func hash(now: Int64, tried: TriedSet, context: inout PickContext) -> Int? {
        guard context.tries <= Self.maxTries, primaries.count >= 2, !context.hashKey.isEmpty else {
            return roundRobin(now: now, tried: tried)
        }
        var sum = context.hash ?? 0
        while true {
            var crc = CRC32()
            if context.rehash > 0 { crc.update(String(context.rehash).utf8) }
            crc.update(context.hashKey)
            sum += Int((crc.value >> 16) & 0x7FFF)
            context.rehash += 1
            context.hash = sum
            let peer = primary(atWeight: sum % primaryWeight)
            if isUsable(peer, now: now, tried: tried) {
                states[peer].chosen(now: now)
                return peer
            }
            context.tries += 1
            if context.tries > Self.maxTries { return roundRobin(now: now, tried: tried) }
        }
    }

    /// nginx's consistent hash: the first ring point at or after `crc32(KEY)`, then the next
    /// points in turn while their server has no available peer.
    private mutating func consistentHash(now: Int64, tried: TriedSet, context: inout PickContext) -> Int? {
        guard context.tries <= Self.maxTries, primaries.count >= 2, !context.hashKey.isEmpty,
            let ring = group.ring, !ring.points.isEmpty
        else { return roundRobin(now: now, tried: tried) }
        var position = context.hash ?? ring.firstPoint(atLeast: CRC32.checksum(context.hashKey))
        while true {
            var best: Int?
            var total = 0
            for peer in ring.peers(at: position) where isUsable(peer, now: now, tried: tried) {
                total += states[peer].stepWeights()
                if best == nil || states[peer].currentWeight > states[best!].currentWeight { best = peer }
            }
            if let best {
                states[best].currentWeight -= total
                states[best].chosen(now: now)
                context.hash = position
                return best
            }
            position += 1
            context.hash = position
            context.tries += 1
            if context.tries > Self.maxTries { return roundRobin(now: now, tried: tried) }
        }
    }

    private mutating func randomOne(now: Int64, tried: TriedSet, context: inout PickContext) -> Int? {
        guard context.tries <= Self.maxTries, primaries.count >= 2 else { return roundRobin(now: now, tried: tried) }
        while true {
            let peer = randomPrimary()
            if isUsable(peer, now: now, tried: tried) {
                states[peer].chosen(now: now)
                return peer
            }
            context.tries += 1
            if context.tries > Self.maxTries { return roundRobin(now: now, tried: tried) }
        }
    }

    /// nginx's `random two least_conn`: two different available peers drawn by weight; the one
    /// with fewer active connections relative to weight wins, the second drawn on a tie.
    private mutating func randomTwo(now: Int64, tried: TriedSet, context: inout PickContext) -> Int? {
        guard context.tries <= Self.maxTries, primaries.count >= 2 else { return roundRobin(now: now, tried: tried) }
        var first: Int?
        while true {
            let peer = randomPrimary()
            if peer != first && isUsable(peer, now: now, tried: tried) {
                if let first {
                    let load = (first: group.load.active(first), second: group.load.active(peer))
                    let chosen = load.second * states[first].weight > load.first * states[peer].weight ? first : peer
                    states[chosen].chosen(now: now)
                    return chosen
                }
                first = peer
            }
            context.tries += 1
            if context.tries > Self.maxTries { return roundRobin(now: now, tried: tried) }
        }
    }

    /// The peer a sticky cookie names, while it is a primary that could be chosen anyway; a
    /// client pinned to a backup goes back to the method, so primaries win it back when they
    /// recover.
    private mutating func stickyPeer(_ context: PickContext, now: Int64, tried: TriedSet) -> Int? {
        guard let id = context.stickyID, let peer = group.stickyIDs?.peer(for: id), !group.peers[peer].backup,
            isUsable(peer, now: now, tried: tried)
        else { return nil }
        states[peer].chosen(now: now)
        return peer
    }

    // MARK: helpers

    /// nginx's round robin step over `indices`: add each effective weight, take the largest
    /// current weight, subtract the total from it.
    private mutating func smoothWeighted(_ indices: [Int], now: Int64, tried: TriedSet) -> Int? {
        var best: Int?
        var total = 0
        for peer in indices where isUsable(peer, now: now, tried: tried) {
            total += states[peer].stepWeights()
            if best == nil || states[peer].currentWeight > states[best!].currentWeight { best = peer }
        }
        guard let chosen = best else { return nil }
        states[chosen].currentWeight -= total
        states[chosen].chosen(now: now)
        return chosen
    }

    /// Everything failed: like nginx, forget the failures so the next session tries again.
    private mutating func exhausted(_ tried: TriedSet) -> Int? {
        if tried.isEmptyFor(Array(states.indices)) {
            for peer in states.indices { states[peer].fails = 0 }
        }
        return nil
    }

    private func isUsable(_ peer: Int, now: Int64, tried: TriedSet) -> Bool {
        !tried.contains(peer) && states[peer].isAvailable(now: now) && !isFull(peer) && isHealthy(peer)
    }

    private func isHealthy(_ peer: Int) -> Bool {
        health?.isHealthy(peer) ?? true
    }

    private func isFull(_ peer: Int) -> Bool {
        states[peer].maxConns > 0 && group.load.active(peer) >= states[peer].maxConns
    }

    /// The primary whose slice of the total weight holds `offset` (nginx walks its list the
    /// same way, down servers included).
    private func primary(atWeight offset: Int) -> Int {
        var rest = offset
        for peer in primaries {
            if rest < states[peer].weight { return peer }
            rest -= states[peer].weight
        }
        return primaries[primaries.count - 1]
    }

    private mutating func randomPrimary() -> Int {
        primary(atWeight: Int.random(in: 0..<primaryWeight, using: &random))
    }
}
