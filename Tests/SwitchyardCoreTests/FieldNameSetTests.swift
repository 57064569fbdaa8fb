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
}
