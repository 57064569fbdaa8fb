/// The ids a sticky cookie names peers by: 8 hex digits mixed from the group name and the
/// peer's address, so every instance given the same config agrees on them, a restart keeps
/// them, and the cookie does not spell out a backend address (as nginx Plus's MD5 does not;
/// neither resists someone who guesses the addresses).
struct StickyIDs: Sendable {
    let ids: [String]
    private let peerOfID: [String: Int]

    init(group: String, peers: [PeerSpec]) {
        var ids: [String] = []
        var peerOfID: [String: Int] = [:]
        for (index, peer) in peers.enumerated() {
            var salt = 0
            var id = Self.id(group: group, address: peer.addressText, salt: salt)
            // Two peers of one group sharing an id (1 in 4 billion per pair) would send one's
            // clients to the other: salt until the id is free.
            while peerOfID[id] != nil && salt < 64 {
                salt += 1
                id = Self.id(group: group, address: peer.addressText, salt: salt)
            }
            ids.append(id)
            peerOfID[id] = index
        }
        self.ids = ids
        self.peerOfID = peerOfID
    }

    /// The peer a cookie's id names in this group, if any.
    func peer(for id: some StringProtocol) -> Int? {
        peerOfID[String(id)]
    }

    /// FNV-1a over `group \0 address [\0 salt]`, then a 64-bit finalizer so nearby addresses
    /// give unrelated ids; the top 32 bits, in hex.
    static func id(group: String, address: String, salt: Int) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        mix(group.utf8)
        mix(CollectionOfOne(0))
        mix(address.utf8)
        if salt > 0 {
            mix(CollectionOfOne(0))
            mix(String(salt).utf8)
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        let text = String(hash >> 32, radix: 16)
        return String(repeating: "0", count: 8 - text.count) + text
    }
}
