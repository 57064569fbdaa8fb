import Testing

@testable import SwitchyardWire

struct WebSocketMaskTests {
    /// RFC 6455 §5.7's masking key.
    static let key: UInt32 = 0x37FA_213D

    /// §5.3 byte by byte: payload byte i XOR key byte (i mod 4), for a payload starting at `offset`.
    private func reference(_ payload: [UInt8], key: UInt32, offset: Int = 0) -> [UInt8] {
        payload.enumerated().map { index, byte in
            byte ^ UInt8(truncatingIfNeeded: key >> (24 - 8 * UInt32((offset + index) % 4)))
        }
    }

    private func unmasked(_ payload: [UInt8], key: UInt32 = key, offset: Int = 0) -> [UInt8] {
        var copy = payload
        copy.withUnsafeMutableBytes { WebSocketMask.unmask($0, key: key, offset: offset) }
        return copy
    }

    /// A payload long enough for the 8-byte loop and a tail, with every byte value nearby.
    static let payload: [UInt8] = (0..<45).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }

    /// §5.7: the masked "Hello" payload `7f 9f 4d 51 58` under key `37 fa 21 3d` is "Hello".
    @Test func rfcExample() {
        #expect(unmasked([0x7F, 0x9F, 0x4D, 0x51, 0x58]) == bytes("Hello"))
        #expect(unmasked(bytes("Hello")) == [0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    /// Every length from 0 to 45 and every starting offset match §5.3's byte-by-byte definition.
    @Test func matchesTheDefinition() {
        for length in 0...Self.payload.count {
            let payload = Array(Self.payload[..<length])
            for offset in 0..<9 {
                #expect(unmasked(payload, offset: offset) == reference(payload, key: Self.key, offset: offset), "length \(length) offset \(offset)")
            }
        }
    }

    /// A payload split in two or three reads at every pair of points, each unmasked in place with
    /// its payload offset, comes out as if unmasked in one piece.
    @Test func splitAtEveryOffset() {
        let whole = reference(Self.payload, key: Self.key)
        for first in 0...Self.payload.count {
            for second in first...Self.payload.count {
                var payload = Self.payload
                payload.withUnsafeMutableBytes { raw in
                    WebSocketMask.unmask(UnsafeMutableRawBufferPointer(rebasing: raw[..<first]), key: Self.key, offset: 0)
                    WebSocketMask.unmask(UnsafeMutableRawBufferPointer(rebasing: raw[first..<second]), key: Self.key, offset: first)
                    WebSocketMask.unmask(UnsafeMutableRawBufferPointer(rebasing: raw[second...]), key: Self.key, offset: second)
                }
                #expect(payload == whole, "split at \(first), \(second)")
            }
        }
    }

    /// Masking twice restores the payload; a zero key and an empty buffer change nothing.
    @Test func involution() {
        #expect(unmasked(unmasked(Self.payload, offset: 3), offset: 3) == Self.payload)
        #expect(unmasked(Self.payload, key: 0) == Self.payload)
        #expect(unmasked([]) == [])
    }
}
