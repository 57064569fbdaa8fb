/// The ketama continuum of `hash KEY consistent`, built exactly as nginx builds it
/// (`ngx_http_upstream_init_chash`): for each primary peer, 160 points per unit of weight,
/// each the CRC-32 of `HOST \0 PORT` continued with the previous point's hash (4 bytes, little
/// endian). The same servers give the same ring in every instance and after every restart,
/// and one server more or less moves only the keys whose points it takes or gives back.
struct ConsistentHashRing: Sendable {
    static let pointsPerWeight = 160

    /// Sorted, without duplicates.
    private(set) var points: [UInt32] = []
    /// For each point, the server it belongs to (an index into `peersOfServer`).
    private(set) var owners: [Int] = []
    /// The group's peer indices of each server: a `server` line whose name resolves to several
    /// addresses owns several peers, and they share its points, as in nginx.
    private(set) var peersOfServer: [[Int]] = []

    init(peers: [PeerSpec]) {
        var serverOfName: [String: Int] = [:]
        var unsorted: [(hash: UInt32, order: Int, owner: Int)] = []
        for (index, peer) in peers.enumerated() where !peer.backup {
            let owner: Int
            if let known = serverOfName[peer.name] {
                owner = known
            } else {
                owner = peersOfServer.count
                serverOfName[peer.name] = owner
                peersOfServer.append([])
            }
            peersOfServer[owner].append(index)

            let (host, port) = Self.split(peer.name)
            var base = CRC32()
            base.update(host.utf8)
            base.update(CollectionOfOne(0))
            base.update(port.utf8)
            var previous: UInt32 = 0
            for _ in 0..<(peer.weight * Self.pointsPerWeight) {
                var point = base
                point.update(withUnsafeBytes(of: previous.littleEndian) { Array($0) })
                previous = point.value
                unsorted.append((previous, unsorted.count, owner))
            }
        }
        // nginx's qsort leaves the order of equal hashes to chance; here the earlier point wins.
        unsorted.sort { ($0.hash, $0.order) < ($1.hash, $1.order) }
        for point in unsorted where points.last != point.hash {
            points.append(point.hash)
            owners.append(point.owner)
        }
    }

    /// nginx's `find_chash_point`: the first point whose hash is at least `hash`, or
    /// `points.count` past the last one (which wraps to the first when used modulo the count).
    func firstPoint(atLeast hash: UInt32) -> Int {
        var low = 0
        var high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle] < hash {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// The peers owning point `position` (taken modulo the number of points).
    func peers(at position: Int) -> [Int] {
        peersOfServer[owners[position % points.count]]
    }

    /// `HOST:PORT` as nginx splits a server name: the port is the digits after the last
    /// colon, when there are only digits there; otherwise all of it is the host.
    static func split(_ name: String) -> (host: Substring, port: Substring) {
        guard let colon = name.lastIndex(of: ":") else { return (name[...], "") }
        let port = name[name.index(after: colon)...]
        guard port.allSatisfy(\.isASCIIDigit) else { return (name[...], "") }
        return (name[..<colon], port)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
