import Testing

@testable import SwitchyardWire

struct FieldListTests {
    private func elements(_ value: String) -> [String] {
        let fixture = bytes(value)
        return withBuffer(fixture) { buffer in
            FieldList(ByteRange(offset: 0, count: fixture.count), in: buffer).map { $0.string(in: buffer) }
        }
    }

    /// Elements are split at commas, trimmed of OWS, and empty ones skipped (RFC 9110 §5.6.1).
    @Test func splitsAndTrims() {
        #expect(elements("keep-alive, Upgrade") == ["keep-alive", "Upgrade"])
        #expect(elements(" a ,\t, b,,c , ") == ["a", "b", "c"])
        #expect(elements("") == [])
        #expect(elements(" , ") == [])
        #expect(elements("one") == ["one"])
    }

    /// Commas inside quoted-strings, escaped quotes included, do not split.
    @Test func respectsQuotedStrings() {
        #expect(elements("a;p=\"x, y\", b") == ["a;p=\"x, y\"", "b"])
        #expect(elements("\"a\\\", b\", c") == ["\"a\\\", b\"", "c"])
    }
}
