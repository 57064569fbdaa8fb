/// The peers a session has already tried, so `proxy_next_upstream` never picks one twice.
/// Inline for up to 64 peers (no allocation per connection); larger groups spill to an array.
struct TriedSet {
    private var bits: UInt64 = 0
    private var overflow: [Bool] = []

    mutating func insert(_ index: Int) {
        if index < 64 {
            bits |= 1 << UInt64(index)
        } else {
            if overflow.count <= index - 64 { overflow += repeatElement(false, count: index - 64 - overflow.count + 1) }
            overflow[index - 64] = true
        }
    }

    func contains(_ index: Int) -> Bool {
        if index < 64 { return bits & (1 << UInt64(index)) != 0 }
        return index - 64 < overflow.count && overflow[index - 64]
    }

    mutating func removeAll() {
        bits = 0
        overflow.removeAll()
    }
}

extension TriedSet {
    /// True when none of `indices` was tried.
    func isEmptyFor(_ indices: [Int]) -> Bool {
        !indices.contains { contains($0) }
    }
}
