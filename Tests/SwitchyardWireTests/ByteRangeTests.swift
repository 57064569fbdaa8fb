import Testing

@testable import SwitchyardWire

struct ByteRangeTests {
    let fixture = bytes("Content-LENGTH: 5")

    /// Case-insensitive comparison folds ASCII letters only and needs equal lengths.
    @Test func caseInsensitiveComparison() {
        withBuffer(fixture) { buffer in
            let name = ByteRange(offset: 0, count: 14)
            #expect(name.equalsCaseInsensitive("content-length", in: buffer))
            #expect(name.equalsCaseInsensitive(Array("CONTENT-length".utf8), in: buffer))
            #expect(!name.equalsCaseInsensitive("content-lengt", in: buffer))
            #expect(!name.equalsCaseInsensitive("content_length", in: buffer))
            #expect(!name.equals("content-length", in: buffer))
            #expect(name.equals("Content-LENGTH", in: buffer))
            #expect(name.hasPrefixCaseInsensitive("CONTENT-", in: buffer))
            #expect(!ByteRange(offset: 0, count: 2).hasPrefixCaseInsensitive("Con", in: buffer))
        }
        // "@" (0x40) and "`" (0x60) differ only by the case bit but are not letters.
        withBuffer(bytes("@")) { #expect(!ByteRange(offset: 0, count: 1).equalsCaseInsensitive("`", in: $0)) }
    }

    /// Ranges copy out as bytes or String, and convert to and from Range<Int>.
    @Test func copiesAndConversions() {
        let value = ByteRange(16..<17)
        #expect(value.offset == 16 && value.count == 1 && value.end == 17)
        #expect(value.range == 16..<17)
        #expect(text(value, in: fixture) == "5")
        #expect(withBuffer(fixture) { value.bytes(in: $0) } == [UInt8(ascii: "5")])
        #expect(value.shifted(by: 4) == ByteRange(offset: 20, count: 1))
        #expect(ByteRange.empty.isEmpty)
    }
}
