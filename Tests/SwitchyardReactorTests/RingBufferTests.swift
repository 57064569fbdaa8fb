import Testing
@testable import SwitchyardReactor

struct RingBufferTests {
    /// Capacity rounds up to a power of two, so indices can be masked.
    @Test func capacityIsPowerOfTwo() {
        #expect(RingBuffer(capacity: 1000).capacity == 1024)
        #expect(RingBuffer(capacity: 1024).capacity == 1024)
        #expect(RingBuffer(capacity: 1).capacity == 16)
    }

    /// Bytes written across the wrap point come back in order, through two regions.
    @Test func wrapsAroundAndKeepsOrder() {
        let ring = RingBuffer(capacity: 16)
        let first: [UInt8] = Array(0..<12)
        first.withUnsafeBytes { #expect(ring.append($0) == 12) }
        ring.didRead(10)
        let second: [UInt8] = Array(100..<112)
        second.withUnsafeBytes { #expect(ring.append($0) == 12) }
        #expect(ring.readableCount == 14)
        // The head sits at index 10, so the first readable region stops at the end (6 bytes).
        #expect(ring.readableRegion.count == 6)
        var out = [UInt8](repeating: 0, count: 14)
        out.withUnsafeMutableBytes { #expect(ring.peek(into: $0) == 14) }
        #expect(out == [10, 11] + second)
        #expect(ring.readableCount == 14)
    }

    /// A full ring refuses more bytes, and emptying it rewinds so the next read is contiguous.
    @Test func fullRingRefusesAndEmptyRewinds() {
        let ring = RingBuffer(capacity: 16)
        let bytes = [UInt8](repeating: 7, count: 20)
        bytes.withUnsafeBytes { #expect(ring.append($0) == 16) }
        #expect(ring.isFull)
        #expect(ring.writableRegion.count == 0)
        ring.didRead(16)
        #expect(ring.isEmpty)
        #expect(ring.writableRegion.count == 16)
    }
}
