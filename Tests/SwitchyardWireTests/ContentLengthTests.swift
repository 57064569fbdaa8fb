import Testing

@testable import SwitchyardWire

struct ContentLengthTests {
    private func parse(_ value: String) -> Result<Int, HTTPParseError> {
        let fixture = bytes(value)
        return withBuffer(fixture) { ContentLength.parse(ByteRange(offset: 0, count: fixture.count), in: $0) }
    }

    /// Decimal values up to Int.max are read; identical list members fold into one.
    @Test func accepts() {
        #expect(parse("0") == .success(0))
        #expect(parse("0042") == .success(42))
        #expect(parse("9223372036854775807") == .success(Int.max))
        #expect(parse("7, 7,7") == .success(7))
        #expect(parse("999999999999999999") == .success(999_999_999_999_999_999))
        #expect(parse("0000000000000000000000001") == .success(1))
    }

    /// The unchecked shortcut takes 1 to 18 digits and leaves the rest to `parse`.
    @Test func digits() {
        func digits(_ value: String) -> Int? {
            let fixture = bytes(value)
            return withBuffer(fixture) { ContentLength.digits(ByteRange(offset: 0, count: fixture.count), in: $0) }
        }
        #expect(digits("0") == 0)
        #expect(digits("999999999999999999") == 999_999_999_999_999_999)
        #expect(digits("1000000000000000000") == nil)
        for bad in ["", " 1", "1 ", "1,1", "+1", "1/", "1:"] {
            #expect(digits(bad) == nil, "\(bad)")
        }
    }

    /// Signs, hex, exponents, inner spaces, empties and overflow are invalid; differing members conflict.
    @Test func refuses() {
        for bad in ["", " ", "+1", "-1", "0x1", "1e2", "1 2", "1.0", "9223372036854775808", "\"1\"", ","] {
            #expect(parse(bad) == .failure(.invalidContentLength), "\(bad)")
        }
        #expect(parse("1, 2") == .failure(.conflictingContentLength))
        #expect(parse("1, x") == .failure(.invalidContentLength))
    }
}
