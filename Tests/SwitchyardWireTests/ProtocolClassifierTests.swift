import Testing

@testable import SwitchyardWire

struct ProtocolClassifierTests {
    func classify(_ bytes: [UInt8], maxRequestLineLength: Int = 8192) -> ProtocolClassification {
        bytes.withUnsafeBytes { ProtocolClassifier.classify($0, maxRequestLineLength: maxRequestLineLength) }
    }

    func classify(_ text: String) -> ProtocolClassification {
        classify(bytes(text))
    }

    /// Feeds every prefix of `bytes` to one classifier, as successive peeks would, and to a
    /// fresh one; both must agree at every length. Returns each length's answer.
    func classifyByteByByte(_ bytes: [UInt8], maxRequestLineLength: Int = 8192) -> [ProtocolClassification] {
        var classifier = ProtocolClassifier(maxRequestLineLength: maxRequestLineLength)
        var answers: [ProtocolClassification] = []
        for end in 0...bytes.count {
            let prefix = Array(bytes[..<end])
            let resumed = prefix.withUnsafeBytes { classifier.classify($0) }
            #expect(resumed == classify(prefix, maxRequestLineLength: maxRequestLineLength), "prefix of \(end) bytes")
            answers.append(resumed)
        }
        return answers
    }

    /// The length of the shortest prefix that is decided, and the decision.
    func firstDecision(_ bytes: [UInt8], maxRequestLineLength: Int = 8192) -> (length: Int, decision: ProtocolClassification)? {
        let answers = classifyByteByByte(bytes, maxRequestLineLength: maxRequestLineLength)
        guard let index = answers.firstIndex(where: { $0 != .needMoreBytes }) else { return nil }
        // Once decided, every longer prefix gives the same decision.
        #expect(answers[index...].allSatisfy { $0 == answers[index] })
        return (index, answers[index])
    }

    // MARK: HTTP

    /// Every registered method starts an HTTP request; every prefix of `METHOD / HTTP/1.` is
    /// `.needMoreBytes` and the final `.` decides.
    @Test func everyMethod() {
        for method in MethodTokensTests.names {
            let line = "\(method) / HTTP/1.1\r\nHost: a\r\n\r\n"
            let decided = firstDecision(bytes(line))
            #expect(decided?.decision == .http, "\(method)")
            #expect(decided?.length == "\(method) / HTTP/1.".utf8.count, "\(method)")
        }
    }

    /// Request lines of every target form are HTTP; the classifier leaves the target's
    /// grammar to the HTTP parser (a non-ASCII byte is `.http`, and the parser answers 400).
    @Test(arguments: [
        "GET /index.html?q=1&r=%20 HTTP/1.1\r\n",
        "GET http://example.com/x HTTP/1.1\r\n",  // absolute-form
        "CONNECT example.com:443 HTTP/1.1\r\n",  // authority-form
        "OPTIONS * HTTP/1.1\r\n",  // asterisk-form
        "GET / HTTP/1.0\r\n",
        "GET /\u{E9} HTTP/1.1\r\n",  // UTF-8 in the target
        "GET / HTTP/1.9\r\n",  // the minor digit is the parser's to judge
    ])
    func httpRequestLines(line: String) {
        #expect(classify(line) == .http)
    }

    /// A long target scanned 8 bytes at a time still stops at the first bad byte and finds
    /// the SP wherever it falls in a word.
    @Test func everyTargetAlignment() {
        for length in 1...24 {
            let target = "/" + String(repeating: "a", count: length - 1)
            #expect(classify("GET \(target) HTTP/1.1\r\n") == .http, "target of \(length)")
            #expect(classify("GET \(target)\u{1}x HTTP/1.1\r\n") == .other, "CTL after \(length)")
            #expect(classify("GET \(target)\u{7F} HTTP/1.1\r\n") == .other, "DEL after \(length)")
            #expect(classify("GET \(target)") == .needMoreBytes, "no SP yet after \(length)")
        }
    }

    /// Empty lines before the request line are skipped, as the HTTP parser skips them.
    @Test func emptyLinesBeforeRequestLine() {
        #expect(firstDecision(bytes("\r\n\r\nGET / HTTP/1.1\r\n"))?.decision == .http)
        #expect(classify("\nGET / HTTP/1.1\r\n") == .http)
        #expect(classify("\r\n") == .needMoreBytes)
        #expect(classify("\r") == .needMoreBytes)
        #expect(classify("\r\r\n") == .other)  // a bare CR
        #expect(classify("\r\n\u{16}\u{3}\u{1}") == .other)  // TLS only at the first byte
        #expect(classify("\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == .other)  // so is the preface
    }

    /// Bytes that start like a request and then break the line's shape are `.other`, at the
    /// first byte that shows it.
    @Test(arguments: [
        ("GET followed by garbage", "GETX / HTTP/1.1", 4),
        ("GET and a NUL", "GET\u{0}", 4),
        ("TAB instead of SP", "GET\t/ HTTP/1.1", 4),
        ("two SPs: an empty target", "GET  / HTTP/1.1", 5),
        ("a CTL in the target", "GET /a\u{1}b HTTP/1.1", 7),
        ("HTTP/0.9: the line ends after the target", "GET /\r\n", 6),
        ("HTTP/2.0 version", "GET / HTTP/2.0\r\n", 12),
        ("lowercase version", "GET / http/1.1\r\n", 7),
        ("three words", "GET /a b HTTP/1.1\r\n", 8),
        ("lowercase method", "get / HTTP/1.1\r\n", 1),
        ("mixed-case method", "Get / HTTP/1.1\r\n", 2),
        ("an unregistered method", "FOO / HTTP/1.1\r\n", 1),
        ("a method prefix that turns", "DELX / HTTP/1.1\r\n", 4),
        ("PRI as an HTTP/1.1 method", "PRI * HTTP/1.1\r\n", 12),
    ])
    func startsLikeHTTPButIsNot(what: String, line: String, decidedAt: Int) {
        let decided = firstDecision(bytes(line))
        #expect(decided?.decision == .other, "\(what)")
        #expect(decided?.length == decidedAt, "\(what)")
    }

    /// A target that reaches the bound without its version is `.http` (the HTTP parser answers
    /// 414); one byte short it is still `.needMoreBytes`.
    @Test func requestLineAtTheBound() {
        let bound = 64
        let line = bytes("GET /" + String(repeating: "a", count: 100))
        let decided = firstDecision(line, maxRequestLineLength: bound)
        #expect(decided?.decision == .http)
        #expect(decided?.length == bound)
        // A bad byte before the bound still makes it `.other`.
        var bad = line
        bad[40] = 0x00
        #expect(classify(bad, maxRequestLineLength: bound) == .other)
        // Empty lines count toward the bound; all empty lines up to it are `.other`.
        #expect(classify(bytes(String(repeating: "\r\n", count: 40)), maxRequestLineLength: bound) == .other)
        // Empty lines up to the bound, then a method: one target byte decides.
        let late = String(repeating: "\r\n", count: 31)
        #expect(classify(bytes(late + "GET "), maxRequestLineLength: bound) == .needMoreBytes)
        #expect(classify(bytes(late + "GET /"), maxRequestLineLength: bound) == .http)
    }

    // MARK: TLS

    /// A ClientHello record header is TLS after 6 bytes, with the record's version.
    @Test func tlsClientHello() {
        // handshake, TLS 1.0 record version, length 0x0200, ClientHello
        let decided = firstDecision([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        #expect(decided?.decision == .tls(.tls1_0))
        #expect(decided?.length == 6)
        #expect(classify([0x16, 0x03, 0x03, 0x00, 0x40, 0x01, 0x00]) == .tls(.tls1_2))
        #expect(classify([0x16, 0x03, 0x00, 0x00, 0x40, 0x01]) == .tls(.ssl3))
        #expect(classify(ClientHelloBuilder.browser.record) == .tls(.tls1_0))
        #expect(classify(TLSClientHelloTests.openSSLHello) == .tls(.tls1_0))
    }

    /// Records that are not a ClientHello's are `.other` at the byte that shows it.
    @Test(arguments: [
        ("a ServerHello (handshake type 2)", [UInt8]([0x16, 0x03, 0x03, 0x00, 0x40, 0x02]), 6),
        ("record version 2.0", [0x16, 0x02, 0x00], 2),
        ("record version 3.5", [0x16, 0x03, 0x05], 3),
        ("an empty record", [0x16, 0x03, 0x01, 0x00, 0x00, 0x01], 5),
        ("an oversized record", [0x16, 0x03, 0x01, 0x48, 0x01, 0x01], 5),
        ("an alert record", [0x15, 0x03, 0x01, 0x00, 0x02], 1),
        ("an SSLv2-compatible hello", [0x80, 0x2E, 0x01, 0x03, 0x01], 1),
    ])
    func notAClientHello(what: String, fixture: [UInt8], decidedAt: Int) {
        let decided = firstDecision(fixture)
        #expect(decided?.decision == .other, "\(what)")
        #expect(decided?.length == decidedAt, "\(what)")
    }

    // MARK: HTTP/2 and the rest

    /// The HTTP/2 preface is decided by its 24th byte; until then every prefix waits, even
    /// those that are also prefixes of PROPFIND and PUT.
    @Test func http2Preface() {
        let preface = bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        let decided = firstDecision(preface + [0x00, 0x00, 0x12, 0x04])  // a SETTINGS frame header
        #expect(decided?.decision == .http2)
        #expect(decided?.length == 24)
        #expect(classify("PRI * HTTP/2.0\r\n\r\nXX") == .other)
        #expect(classify("PR") == .needMoreBytes)  // PRI or PROPFIND / PROPPATCH
        #expect(classify("PRO") == .needMoreBytes)
        #expect(classify("PRX") == .other)
    }

    /// No bytes yet is `.needMoreBytes`: the caller's preread_timeout decides a silent client.
    @Test func emptyInput() {
        #expect(classify([]) == .needMoreBytes)
    }

    /// Other protocols' first bytes are `.other`, at the first byte no outcome allows.
    @Test(arguments: [
        ("an SSH banner", "SSH-2.0-OpenSSH_9.6\r\n", 2),  // S: SEARCH, until the second S
        ("a Redis command", "*1\r\n$4\r\nPING\r\n", 1),
        ("a Redis inline command", "PING\r\n", 2),  // P, then I
        ("a Redis inline GET of a key", "GET key\r\n", 8),  // a target that is not followed by the version
        ("an SMTP client", "EHLO example.com\r\n", 1),
        ("a PostgreSQL startup", "\u{0}\u{0}\u{0}\u{8}\u{4}\u{D2}\u{16}\u{2F}", 1),
        ("a JSON line", "{\"a\":1}\n", 1),
    ])
    func otherProtocols(what: String, text: String, decidedAt: Int) {
        let decided = firstDecision(bytes(text))
        #expect(decided?.decision == .other, "\(what)")
        #expect(decided?.length == decidedAt, "\(what)")
    }

    /// Every byte value as the first byte: only method letters, 0x16, CR and LF leave the
    /// question open; the dispatch table agrees with the method list.
    @Test func firstByteDispatch() {
        let methodLetters = Set(MethodTokensTests.names.compactMap { $0.utf8.first })
        for value in 0...255 {
            let byte = UInt8(value)
            let expected: ProtocolClassifier.FirstByte =
                methodLetters.contains(byte) ? .methodLetter
                : byte == 0x16 ? .tlsHandshake
                : byte == 0x0A || byte == 0x0D ? .lineEnd
                : .other
            #expect(ProtocolClassifier.dispatch(byte) == expected, "byte \(value)")
            #expect((classify([byte]) == .needMoreBytes) == (expected != .other), "byte \(value)")
        }
    }

    /// A decided classifier answers the same without looking; `reset()` starts over.
    @Test func decisionSticksUntilReset() {
        var classifier = ProtocolClassifier()
        #expect(bytes("GET / HTTP/1.").withUnsafeBytes { classifier.classify($0) } == .http)
        #expect(bytes("SSH-2.0").withUnsafeBytes { classifier.classify($0) } == .http)
        classifier.reset()
        #expect(bytes("SSH-2.0").withUnsafeBytes { classifier.classify($0) } == .other)
    }
}
