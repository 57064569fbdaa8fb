import Testing
@testable import SwitchyardReactor

struct RingPoolTests {
    /// An emptied ring goes back and is handed out again, reset, for the same size only.
    @Test func reusesEmptyRingsBySize() {
        let pool = RingPool(maxIdlePerSize: 2)
        let ring = pool.take(capacity: 16000)
        #expect(ring.capacity == 16384)
        ring.didWrite(10)
        ring.didRead(4)
        pool.give(ring)
        #expect(pool.idleCount == 0)  // still holds bytes: not kept
        ring.didRead(6)
        pool.give(ring)
        #expect(pool.idleCount == 1)
        #expect(pool.take(capacity: 32768) !== ring)
        let again = pool.take(capacity: 16384)
        #expect(again === ring)
        #expect(again.isEmpty && again.writableCount == 16384)
    }

    /// No more than the limit of idle rings per size is kept.
    @Test func keepsAtMostTheLimit() {
        let pool = RingPool(maxIdlePerSize: 2)
        let rings = (0..<4).map { _ in pool.take(capacity: 1024) }
        for ring in rings { pool.give(ring) }
        #expect(pool.idleCount == 2)
    }
}
