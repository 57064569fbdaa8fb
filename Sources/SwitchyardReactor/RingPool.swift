/// Ring buffers of one loop, handed from connection to connection. A ring is 16 to 32 KiB,
/// beyond what malloc keeps in its per-thread cache, so allocating and freeing one for every
/// new connection went through malloc's slow paths twice (a few thousand instructions per
/// WebSocket handshake). Only an empty ring nobody else holds comes back, and few are kept
/// idle (a burst of connections leaves at most 32 of each size, ~1.5 MiB, behind).
public final class RingPool {
    private struct Bucket {
        let capacity: Int
        var rings: [RingBuffer] = []
    }

    /// One bucket per capacity asked for; a loop uses two or three sizes.
    private var buckets: [Bucket] = []
    public let maxIdlePerSize: Int

    public init(maxIdlePerSize: Int = 32) {
        self.maxIdlePerSize = maxIdlePerSize
    }

    /// An empty ring of at least `capacity` bytes (rounded up to a power of two, as
    /// `RingBuffer` does).
    public func take(capacity requested: Int) -> RingBuffer {
        let capacity = RingBuffer.capacity(for: requested)
        for index in buckets.indices where buckets[index].capacity == capacity {
            if let ring = buckets[index].rings.popLast() { return ring }
            break
        }
        return RingBuffer(capacity: capacity)
    }

    /// Takes `ring` back for a later `take`. The caller passes its only reference (checked
    /// with `isKnownUniquelyReferenced`); a ring still holding bytes is not kept.
    public func give(_ ring: RingBuffer) {
        guard ring.isEmpty else { return }
        ring.reset()
        if let index = buckets.firstIndex(where: { $0.capacity == ring.capacity }) {
            if buckets[index].rings.count < maxIdlePerSize { buckets[index].rings.append(ring) }
        } else {
            buckets.append(Bucket(capacity: ring.capacity, rings: [ring]))
        }
    }

    /// Idle rings kept, all sizes.
    public var idleCount: Int { buckets.reduce(0) { $0 + $1.rings.count } }
}

@available(*, unavailable)
extension RingPool: Sendable {}
