import Testing

@testable import SwitchyardWire

struct LineScannerTests {
    private func lines(_ fixture: [UInt8], maxLength: Int = 100, headLimit: Int = 1000) -> [LineScanner.Outcome] {
        var scanner = LineScanner()
        var outcomes: [LineScanner.Outcome] = []
        withBuffer(fixture) { buffer in
            while true {
                let outcome = scanner.nextLine(in: buffer, maxLength: maxLength, headLimit: headLimit)
                outcomes.append(outcome)
                guard case .line = outcome else { break }
            }
        }
        return outcomes
    }

    /// CRLF and bare LF both end a line; the line end is not part of the line.
    @Test func lineEnds() {
        #expect(lines(bytes("ab\r\ncd\nef")) == [.line(0..<2), .line(4..<6), .needMoreBytes])
        #expect(lines(bytes("\r\n\n")) == [.line(0..<0), .line(2..<2), .needMoreBytes])
    }

    /// A CR followed by anything but LF is refused at once; a CR at the buffer's end waits for its successor.
    @Test func bareCR() {
        #expect(lines(bytes("ab\rc")) == [.bareCarriageReturn])
        #expect(lines(bytes("ab\r")) == [.needMoreBytes])
        var scanner = LineScanner()
        #expect(withBuffer(bytes("ab\r")) { scanner.nextLine(in: $0, maxLength: 10, headLimit: 100) } == .needMoreBytes)
        #expect(withBuffer(bytes("ab\rx")) { scanner.nextLine(in: $0, maxLength: 10, headLimit: 100) } == .bareCarriageReturn)
    }

    /// A line may hold exactly `maxLength` bytes; one more is refused even before its line end arrives.
    @Test func lineLimit() {
        #expect(lines(bytes("abcd\r\n"), maxLength: 4) == [.line(0..<4), .needMoreBytes])
        #expect(lines(bytes("abcde\r\n"), maxLength: 4) == [.lineTooLong])
        #expect(lines(bytes("abcde\n"), maxLength: 4) == [.lineTooLong])
        #expect(lines(bytes("abcd\r"), maxLength: 4) == [.needMoreBytes])
        #expect(lines(bytes("abcdef"), maxLength: 4) == [.lineTooLong])
    }

    /// The scan never passes the head limit, and a head that has used it all cannot take another line.
    @Test func headLimit() {
        #expect(lines(bytes("ab\ncd\n"), headLimit: 7) == [.line(0..<2), .line(3..<5), .needMoreBytes])
        #expect(lines(bytes("ab\ncd\n"), headLimit: 6) == [.line(0..<2), .line(3..<5), .headTooLarge])
        #expect(lines(bytes("ab\ncd\n"), headLimit: 5) == [.line(0..<2), .headTooLarge])
    }
}

struct LineEndTests {
    private func after(_ text: String, at index: Int, lineStart: Int = 0, limit: Int? = nil, maxLength: Int = 100) -> Int? {
        let fixture = bytes(text)
        return withBuffer(fixture) {
            LineEnd.after($0, at: index, lineStart: lineStart, limit: limit ?? fixture.count, maxLength: maxLength)
        }
    }

    /// CR LF or LF at the index ends the line, as `LineScanner` would end it; anything else,
    /// or a line end past the limit, is left to `LineScanner`.
    @Test func judgesAsLineScannerWould() {
        #expect(after("ab\r\ncd", at: 2) == 4)
        #expect(after("ab\ncd", at: 2) == 3)
        #expect(after("ab\rcd", at: 2) == nil)
        #expect(after("ab\r", at: 2) == nil)
        #expect(after("ab\r\n", at: 2, limit: 3) == nil)
        #expect(after("ab\n", at: 2, limit: 2) == nil)
        #expect(after("abc", at: 2) == nil)
        // A bare LF may end a line one byte longer than CR LF could within the same limit.
        #expect(after("abcd\n", at: 4, maxLength: 4) == 5)
        #expect(after("abcde\n", at: 5, maxLength: 4) == nil)
    }
}
