import Testing

@testable import SwitchyardCore
@testable import SwitchyardWire

struct FieldNameSetTests {
    private func contains(_ set: FieldNameSet, _ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return bytes.withUnsafeBytes { set.contains(ByteRange(offset: 0, count: bytes.count), in: $0) }
    }

    /// Names are matched whole and ignoring case, whatever case they were given in.
    @Test func membershipIgnoresCase() {
        let set = FieldNameSet(strings: ["Connection", "x-accel-expires", "te"])
        #expect(contains(set, "connection"))
        #expect(contains(set, "CONNECTION"))
        #expect(contains(set, "X-Accel-Expires"))
        #expect(contains(set, "TE"))
        #expect(!contains(set, "connectio"))
        #expect(!contains(set, "connections"))
        #expect(!contains(set, "tf"))
        #expect(!contains(set, ""))
        #expect(set.names == [Array("connection".utf8), Array("x-accel-expires".utf8), Array("te".utf8)])
    }

    /// Two names of one length are both found; a name of 63 or more bytes shares the last
    /// length bit with longer ones and is still compared exactly.
    @Test func sameLengthAndLongNames() {
        let long = String(repeating: "a", count: 70)
        let set = FieldNameSet(strings: ["abc", "xyz", long])
        #expect(contains(set, "XYZ"))
        #expect(contains(set, "abc"))
        #expect(!contains(set, "abd"))
        #expect(contains(set, long))
        #expect(!contains(set, String(repeating: "a", count: 64)))
        #expect(!contains([], "abc"))
    }

    /// A name inside a larger buffer is read at its offset.
    @Test func rangeInsideBuffer() {
        let set: FieldNameSet = [Array("host".utf8)]
        let bytes = Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8)
        #expect(bytes.withUnsafeBytes { set.contains(ByteRange(offset: 16, count: 4), in: $0) })
        #expect(!bytes.withUnsafeBytes { set.contains(ByteRange(offset: 15, count: 4), in: $0) })
    }

    @Test func decimals() {
        for n in [0, 7, 10, 200, 12_345, Int.max, -42] {
            var out: [UInt8] = Array("x".utf8)
            out.appendDecimal(n)
            #expect(String(decoding: out, as: UTF8.self) == "x\(n)")
        }
        var out: [UInt8] = []
        out.appendDecimal(UInt64.max)
        #expect(String(decoding: out, as: UTF8.self) == "\(UInt64.max)")
    }

    /// Bytes of every value, not only letters, in names of every length the comparison
    /// treats differently: a word, a half, a quarter, a byte, and words with a tail.
    @Test func caseFoldAgreesWithLowercasing() {
        let letters = Array("abcdefghijklmnopqrstuvwxyz-0123456789_~@[`{".utf8)
        for count in 1...20 {
            let lowered = (0..<count).map { letters[($0 * 7 + count) % letters.count] }
            for position in 0..<count {
                for byte in UInt8.min...UInt8.max {
                    var name = lowered
                    name[position] = byte
                    let expected = zip(name, lowered).allSatisfy { ASCIIText.lowercased($0) == $1 }
                    let actual = name.withUnsafeBytes { name in
                        lowered.withUnsafeBytes { CaseFold.equals(name.baseAddress!, lowercased: $0.baseAddress!, count: count) }
                    }
                    #expect(actual == expected, "count \(count), byte \(byte) at \(position)")
                }
            }
        }
    }

    /// Names of bytes above ASCII are compared exactly, as lowercasing leaves them.
    @Test func nonASCIINames() {
        let name: [UInt8] = [0xC3, 0xA9, 0x2D, 0x61]
        let set = FieldNameSet([name])
        let upper: [UInt8] = [0xC3, 0xA9, 0x2D, 0x41]
        let other: [UInt8] = [0xE3, 0xA9, 0x2D, 0x61]
        #expect(name.withUnsafeBytes { set.contains(ByteRange(offset: 0, count: 4), in: $0) })
        #expect(upper.withUnsafeBytes { set.contains(ByteRange(offset: 0, count: 4), in: $0) })
        #expect(!other.withUnsafeBytes { set.contains(ByteRange(offset: 0, count: 4), in: $0) })
    }

    /// `isFixed` switches on lengths instead of reading `fixed`: the two must name the same fields.
    @Test func isFixedMatchesTheList() {
        func isFixed(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { HopByHop.isFixed(ByteRange(offset: 0, count: bytes.count), in: $0) }
        }
        for name in HopByHop.fixed.map({ String(decoding: $0, as: UTF8.self) }) {
            #expect(isFixed(name))
            #expect(isFixed(name.uppercased()))
            #expect(!isFixed(name + "s"))
            #expect(!isFixed(String(name.dropLast()) + "_"))
        }
        for name in ["expect", "content-length", "host", "ta", "upgrades", "keep_alive", "trailers", ""] {
            #expect(!isFixed(name))
        }
    }

    @Test func cursorDecimals() {
        for n: Int64 in [0, 7, 10, 99, 100, 999, 1000, 12_345, 9_999_999_999, Int64.max, -1, -42, Int64.min] {
            var out: [UInt8] = Array("x".utf8)
            out.appendHead(atMost: HeadBound.decimal) { $0.writeDecimal(n) }
            #expect(String(decoding: out, as: UTF8.self) == "x\(n)")
        }
        for status in [100, 101, 200, 404, 599, 999, 99, 1000, 0, -7] {
            var out: [UInt8] = []
            out.appendHead(atMost: HeadBound.decimal) { $0.writeStatus(status) }
            #expect(String(decoding: out, as: UTF8.self) == "\(status)")
        }
    }
}
