/// How an `upstream {}` chooses a server for each connection or request (nginx's
/// `peer.init_upstream` of the module whose directive was written).
public enum BalancerMethod: Sendable, Hashable {
    /// No method directive: nginx's smooth weighted round robin.
    case roundRobin
    /// `ip_hash;`: the first three octets of an IPv4 client, or all of an IPv6 one.
    case ipHash
    /// `hash KEY [consistent];`: the key is evaluated per connection or request; `consistent`
    /// places servers on a ketama ring so a change of servers remaps few keys.
    case hash(CompiledValue, consistent: Bool)
    /// `least_conn;`: the fewest active connections relative to weight.
    case leastConn
    /// `random [two [least_conn]];`: weighted random; `two` picks two servers and keeps the
    /// one with fewer active connections (`least_conn` is the only criterion, and the default).
    case random(two: Bool)

    /// nginx's `NGX_HTTP_UPSTREAM_BACKUP` flag: only round robin and least_conn know what a
    /// backup server is (the hash and random modules leave it out).
    public var allowsBackup: Bool {
        switch self {
        case .roundRobin, .leastConn: true
        case .ipHash, .hash, .random: false
        }
    }

    /// The `hash` key, when this method evaluates one.
    public var hashKey: CompiledValue? {
        if case .hash(let key, _) = self { key } else { nil }
    }
}
