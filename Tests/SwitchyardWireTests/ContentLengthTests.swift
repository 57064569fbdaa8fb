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
