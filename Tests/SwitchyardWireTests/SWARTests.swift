import Testing

@testable import SwitchyardWire

struct SWARTests {
    /// Words of 8 bytes where every lane but one holds `filler` and lane `lane` holds `byte`.
    private func word(_ byte: UInt8, lane: Int, filler: UInt8) -> UInt64 {
        var bytes = [UInt8](repeating: filler, count: 8)
        bytes[lane] = byte
        return bytes.withUnsafeBytes { SWAR.load($0, 0) }
    }

    /// For every byte value in every lane, among harmless and borderline neighbours, the
    /// 8-byte checks agree exactly with the byte-by-byte rules they stand for.
    @Test func agreesWithTheByteRules() {
        for filler: UInt8 in [0x41, 0x20, 0x0E, 0x7E, 0x80, 0xFF] {
            for lane in 0..<8 {
                for value in 0...255 {
                    let byte = UInt8(value)
                    let bytes = [byte, filler]
                    let packed = word(byte, lane: lane, filler: filler)
                    #expect(SWAR.mayHoldLineEnd(packed) == bytes.contains { $0 <= 0x0D })
                    #expect(SWAR.mayHoldInvalidValueByte(packed) == bytes.contains { $0 < 0x20 || $0 == 0x7F })
                }
            }
        }
    }

    /// A head whose line ends and bad bytes fall in every lane position parses as byte-by-byte rules say.
    @Test func everyAlignmentOfALineEnd() {
        for padding in 0..<16 {
            let name = "X" + String(repeating: "y", count: padding)
            #expect(parseRequest("GET / HTTP/1.1\r\nHost: a\r\n\(name): v\r\n\r\n").head?.headers.count == 2)
            #expect(parseRequest("GET / HTTP/1.1\r\nHost: a\r\nX: \(name)\u{7F}\r\n\r\n") == .invalid(.invalidHeaderValue))
            #expect(parseRequest("GET / HTTP/1.1\r\nHost: a\r\nX: \(name)\rz\r\n\r\n") == .invalid(.bareCarriageReturn))
        }
    }
}
