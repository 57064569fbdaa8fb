import Testing

@testable import SwitchyardWire

struct SWARTests {
    /// Words of 8 bytes where every lane but one holds `filler` and lane `lane` holds `byte`.
    private func word(_ byte: UInt8, lane: Int, filler: UInt8) -> UInt64 {
        var bytes = [UInt8](repeating: filler, count: 8)
        bytes[lane] = byte
        return bytes.withUnsafeBytes { SWAR.load($0, 0) }
    }

    private func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F
    }

    /// For every byte value in every lane, among harmless and borderline neighbours, the
    /// 8-byte checks agree exactly with the byte-by-byte rules they stand for, and the first
    /// control flagged is the first control there is.
    @Test func agreesWithTheByteRules() {
        for filler: UInt8 in [0x41, 0x20, 0x1F, 0x0E, 0x7E, 0x7F, 0x80, 0xFF] {
            for lane in 0..<8 {
                for value in 0...255 {
                    let byte = UInt8(value)
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[lane] = byte
                    let packed = word(byte, lane: lane, filler: filler)
                    let controls = SWAR.controlBytes(in: packed)
                    #expect((controls != 0) == bytes.contains(where: isControl))
                    #expect(SWAR.mayHoldInvalidValueByte(packed) == bytes.contains(where: isControl))
                    if let first = bytes.firstIndex(where: isControl) {
                        #expect(SWAR.firstFlagged(controls) == first)
                    }
                }
            }
        }
    }

    /// Words of random bytes drawn mostly from around the control boundaries: the first
    /// control flagged is the first control there is, whatever follows it (a borrow may flag
    /// the lane above a control, never one below).
    @Test func firstFlaggedIsExact() {
        let pool: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x41, 0x7E, 0x7F, 0x80, 0xFE, 0xFF]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<8 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let pick = Int(state >> 33)
                bytes.append(pick % 4 == 0 ? UInt8(truncatingIfNeeded: pick >> 8) : pool[pick % pool.count])
            }
            let controls = bytes.withUnsafeBytes { SWAR.controlBytes(in: SWAR.load($0, 0)) }
            guard let first = bytes.firstIndex(where: isControl) else {
                #expect(controls == 0, "\(bytes)")
                continue
            }
            #expect(SWAR.firstFlagged(controls) == first, "\(bytes)")
        }
    }

    /// `firstControl` finds the first control byte or DEL from any start, to any end, in
    /// buffers too short for a whole word as well.
    @Test func firstControlScansToTheEnd() {
        for length in 0...20 {
            for controlAt in [-1] + Array(0..<length) {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                if controlAt >= 0 { bytes[controlAt] = controlAt % 2 == 0 ? 0x7F : 0x0D }
                for start in 0...length {
                    for end in start...length {
                        let expected = controlAt >= start && controlAt < end ? controlAt : end
                        #expect(withBuffer(bytes) { SWAR.firstControl(in: $0, from: start, to: end) } == expected)
                    }
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
