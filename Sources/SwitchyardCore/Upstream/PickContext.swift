import Glibc
import SwitchyardReactor

/// What one session tells its balancer (the client address for `ip_hash`, the evaluated
/// `hash` key, the sticky cookie's id), and the per-request state nginx's hash and random
/// balancers keep between tries, so `proxy_next_upstream` continues the same sequence.
/// Make one per request (or stream connection) and pass it to every `next` of that request.
struct PickContext {
    /// `ip_hash`'s input: the first three octets of an IPv4 address, all sixteen of an IPv6
    /// one, three zero bytes when there is no address (nginx's pseudo address).
    let clientBytes: [UInt8]
    /// The evaluated `hash KEY`; empty falls back to round robin, as in nginx.
    let hashKey: [UInt8]
    /// The id a sticky cookie carried (`StickyIDs`), if any.
    let stickyID: Substring?

    /// The running hash (ip_hash), the sum of partial hashes (hash), or the ring position
    /// (hash consistent); nil before the first pick.
    var hash: Int?
    /// How many times `hash` has been recomputed (nginx's `rehash`, which salts the key).
    var rehash = 0
    /// Candidates rejected so far; past 20, round robin takes over (nginx's `tries`).
    var tries = 0

    init(client: SocketAddress? = nil, hashKey: [UInt8] = [], stickyID: Substring? = nil) {
        self.clientBytes = client.map(Self.ipHashBytes) ?? Self.pseudoAddress
        self.hashKey = hashKey
        self.stickyID = stickyID
    }

    /// nginx's pseudo address for a client without one; shared, so a context made for a
    /// round-robin pick (once per request) allocates nothing for it.
    static let pseudoAddress: [UInt8] = [0, 0, 0]

    /// nginx hashes a /24 for IPv4 (clients behind one NAT pool stay together) and the whole
    /// address for IPv6.
    static func ipHashBytes(_ address: SocketAddress) -> [UInt8] {
        let bytes = VariableEvaluator.binary(address.ip)
        switch address.family {
        case AF_INET where bytes.count == 4: return Array(bytes.prefix(3))
        case AF_INET6 where bytes.count == 16: return bytes
        default: return pseudoAddress
        }
    }
}
