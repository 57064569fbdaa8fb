import Testing

@testable import SwitchyardWire

struct FieldLineTests {
    private func parse(_ line: [UInt8]) -> Result<[String], HTTPParseError> {
        withBuffer(line) { buffer in
            FieldLine.parse(buffer, line: 0..<line.count).map { [$0.name.string(in: buffer), $0.value.string(in: buffer)] }
        }
    }

    private func parse(_ line: String) -> Result<[String], HTTPParseError> {
        parse(bytes(line))
    }

    /// Name and value split at the first colon, the value trimmed of SP and HTAB on both sides.
    @Test func splits() {
        #expect(parse("Host: a") == .success(["Host", "a"]))
        #expect(parse("X:\t a b \t") == .success(["X", "a b"]))
        #expect(parse("X:") == .success(["X", ""]))
        #expect(parse("X: a:b") == .success(["X", "a:b"]))
    }

    /// Each malformed shape has its own error.
    @Test func refuses() {
        #expect(parse("NoColon") == .failure(.missingColon))
        #expect(parse("Bad Name") == .failure(.missingColon))
        #expect(parse(": v") == .failure(.invalidHeaderName))
        #expect(parse("X : v") == .failure(.whitespaceBeforeColon))
        #expect(parse("X\t\t: v") == .failure(.whitespaceBeforeColon))
        #expect(parse("X Y: v") == .failure(.invalidHeaderName))
        #expect(parse("X(: v") == .failure(.invalidHeaderName))
        #expect(parse("X: a\rb") == .failure(.bareCarriageReturn))
        #expect(parse(bytes("X: a") + [0]) == .failure(.invalidHeaderValue))
        #expect(parse(bytes("X: ") + [0x7F]) == .failure(.invalidHeaderValue))
    }
}

struct TokenTests {
    /// The first byte that is no token byte ends the run, wherever it falls against the
    /// four-byte steps; the end bounds the run.
    @Test func endsAtTheFirstOtherByte() {
        for length in 0...12 {
            for stop in [":", " ", "(", "\u{7F}", "\u{80}"] {
                let fixture = bytes(String(String(repeating: "a_1-", count: 3).prefix(length)) + stop + "bcd")
                #expect(withBuffer(fixture) { Token.end(in: $0, from: 0, to: fixture.count) } == length)
                #expect(withBuffer(fixture) { Token.end(in: $0, from: 0, to: length) } == length)
            }
        }
        #expect(withBuffer(bytes("abcdefgh")) { Token.end(in: $0, from: 2, to: 6) } == 6)
    }
}
