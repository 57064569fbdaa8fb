import Testing

@testable import SwitchyardWire

struct HTTPRequestHeadParserTests {
    /// A request that breaks one rule, and the error and status it must get.
    struct Rejection: CustomTestStringConvertible {
        let what: String
        let fixture: [UInt8]
        let error: HTTPParseError
        let status: Int

        init(_ what: String, _ fixture: String, _ error: HTTPParseError, _ status: Int = 400) {
            self.init(what, bytes(fixture), error, status)
        }

        init(_ what: String, _ fixture: [UInt8], _ error: HTTPParseError, _ status: Int = 400) {
            self.what = what
            self.fixture = fixture
            self.error = error
            self.status = status
        }

        var testDescription: String { what }
    }

    /// A well-formed request line and Host, for fixtures that only vary the fields.
    static let line = "GET / HTTP/1.1\r\nHost: example.com\r\n"

    static let rejections: [Rejection] = [
        // Request line.
        Rejection("a ( in the method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod),
        Rejection("an empty method (line starts with SP)", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod),
        Rejection("a method alone on the line", "GET\r\n\r\n", .invalidMethod),
        Rejection("TAB instead of SP after the method", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod),
        Rejection("two SPs: an empty target", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("a # (fragment) in the target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("a bad %-escape", "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("a truncated %-escape", "GET /a%4 HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("a NUL in the target", bytes("GET /a") + [0] + bytes(" HTTP/1.1\r\nHost: a\r\n\r\n"), .invalidRequestTarget),
        Rejection("* with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("a relative path", "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("userinfo in an absolute target", "GET http://user@host/ HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("an absolute target without authority", "GET http:/x HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("CONNECT with a path", "CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("CONNECT without a port", "CONNECT host HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget),
        Rejection("HTTP/0.9: no version", "GET /\r\n\r\n", .http09Request),
        Rejection("SP after the version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", .invalidVersion),
        Rejection("lowercase http", "GET / http/1.1\r\nHost: a\r\n\r\n", .invalidVersion),
        Rejection("a two-digit minor version", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", .invalidVersion),
        Rejection("HTTP/1 without minor", "GET / HTTP/1\r\nHost: a\r\n\r\n", .invalidVersion),
        Rejection("an explicit HTTP/0.9", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", .invalidVersion),
        Rejection("three words after the method", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidVersion),
        Rejection("HTTP/2.0 on the HTTP/1 parser", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion, 505),
        Rejection("HTTP/3.0", "GET / HTTP/3.0\r\nHost: a\r\n\r\n", .unsupportedVersion, 505),

        // Line ends.
        Rejection("a bare CR ends the request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", .bareCarriageReturn),
        Rejection("a bare CR inside a value", line + "X: a\rb\r\n\r\n", .bareCarriageReturn),
        Rejection("CR CR LF", line + "X: a\r\r\n\r\n", .bareCarriageReturn),
        Rejection("a bare CR as the final empty line", line + "\r\r\n", .bareCarriageReturn),

        // Field lines.
        Rejection("a ( in a field name", line + "Ho(st: a\r\n\r\n", .invalidHeaderName),
        Rejection("an empty field name", line + ": a\r\n\r\n", .invalidHeaderName),
        Rejection("a space inside a field name", line + "Foo Bar: x\r\n\r\n", .invalidHeaderName),
        Rejection("a non-ASCII field name", bytes(line) + [0xC3, 0xA9] + bytes(": x\r\n\r\n"), .invalidHeaderName),
        Rejection("Transfer-Encoding SP colon (smuggling)", line + "Transfer-Encoding : chunked\r\n\r\n", .whitespaceBeforeColon),
        Rejection("HTAB before the colon", line + "Content-Length\t: 5\r\n\r\n", .whitespaceBeforeColon),
        Rejection("a NUL in a value", bytes(line) + bytes("X: a") + [0] + bytes("b\r\n\r\n"), .invalidHeaderValue),
        Rejection("DEL in a value", line + "X: a\u{7F}\r\n\r\n", .invalidHeaderValue),
        Rejection("a vertical tab in a value", line + "Transfer-Encoding: chunked\u{0B}\r\n\r\n", .invalidHeaderValue),
        Rejection("ESC in a value", line + "X: \u{1B}[0m\r\n\r\n", .invalidHeaderValue),
        Rejection("obs-fold", line + "X: a\r\n b\r\n\r\n", .obsoleteLineFolding),
        Rejection("Transfer-Encoding continued by obs-fold (smuggling)", line + "Transfer-Encoding: gzip,\r\n chunked\r\n\r\n", .obsoleteLineFolding),
        Rejection("obs-fold with HTAB", line + "X: a\r\n\tb\r\n\r\n", .obsoleteLineFolding),
        Rejection("whitespace before the first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", .whitespaceAfterStartLine),
        Rejection("a line without a colon", line + "NoColonHere\r\n\r\n", .missingColon),

        // Host.
        Rejection("two Host lines", line + "Host: b\r\n\r\n", .multipleHost),
        Rejection("two identical Host lines in another case", line + "host: example.com\r\n\r\n", .multipleHost),
        Rejection("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX: y\r\n\r\n", .missingHost),
        Rejection("a / in Host", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost),
        Rejection("userinfo in Host", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", .invalidHost),
        Rejection("a space in Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .invalidHost),

        // Content-Length.
        Rejection("Content-Length: 1, 2", line + "Content-Length: 1, 2\r\n\r\n", .conflictingContentLength),
        Rejection("two differing Content-Length lines", line + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", .conflictingContentLength),
        Rejection("Content-Length: +5", line + "Content-Length: +5\r\n\r\n", .invalidContentLength),
        Rejection("Content-Length: -1", line + "Content-Length: -1\r\n\r\n", .invalidContentLength),
        Rejection("Content-Length: 0x5", line + "Content-Length: 0x5\r\n\r\n", .invalidContentLength),
        Rejection("Content-Length: 1e3", line + "Content-Length: 1e3\r\n\r\n", .invalidContentLength),
        Rejection("Content-Length: 5 5", line + "Content-Length: 5 5\r\n\r\n", .invalidContentLength),
        Rejection("an empty Content-Length", line + "Content-Length:\r\n\r\n", .invalidContentLength),
        Rejection("a Content-Length past Int.max", line + "Content-Length: 99999999999999999999\r\n\r\n", .invalidContentLength),
        Rejection("a quoted Content-Length", line + "Content-Length: \"5\"\r\n\r\n", .invalidContentLength),

        // Transfer-Encoding (smuggling).
        Rejection("Transfer-Encoding chunked then Content-Length", line + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", .contentLengthWithTransferEncoding),
        Rejection("Content-Length then Transfer-Encoding chunked", line + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", .contentLengthWithTransferEncoding),
        Rejection("Transfer-Encoding: xchunked", line + "Transfer-Encoding: xchunked\r\n\r\n", .unknownTransferCoding, 501),
        Rejection("Transfer-Encoding: chunked, identity", line + "Transfer-Encoding: chunked, identity\r\n\r\n", .unknownTransferCoding, 501),
        Rejection("an unknown coding before chunked", line + "Transfer-Encoding: br, chunked\r\n\r\n", .unknownTransferCoding, 501),
        Rejection("Transfer-Encoding: chunked, gzip", line + "Transfer-Encoding: chunked, gzip\r\n\r\n", .transferEncodingNotFinallyChunked),
        Rejection("Transfer-Encoding: gzip alone", line + "Transfer-Encoding: gzip\r\n\r\n", .transferEncodingNotFinallyChunked),
        Rejection("chunked twice in one line", line + "Transfer-Encoding: chunked, chunked\r\n\r\n", .transferEncodingNotFinallyChunked),
        Rejection("chunked in two lines", line + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingNotFinallyChunked),
        Rejection("a later line's gzip makes chunked not final", line + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", .transferEncodingNotFinallyChunked),
        Rejection("chunked with a parameter", line + "Transfer-Encoding: chunked;x=1\r\n\r\n", .invalidTransferEncoding),
        Rejection("a quoted chunked", line + "Transfer-Encoding: \"chunked\"\r\n\r\n", .invalidTransferEncoding),
        Rejection("an empty Transfer-Encoding", line + "Transfer-Encoding:\r\n\r\n", .invalidTransferEncoding),
        Rejection("a Transfer-Encoding of commas only", line + "Transfer-Encoding: , ,\r\n\r\n", .invalidTransferEncoding),
        Rejection("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10),
    ]

    /// Every malformed or ambiguous request gets its own error and nginx's status.
    @Test(arguments: rejections)
    func rejects(_ rejection: Rejection) {
        let result = parseRequest(rejection.fixture)
        #expect(result == .invalid(rejection.error))
        #expect(rejection.error.status == rejection.status)
    }

    /// A rejection is reported on every later call until `reset()`, which makes the parser usable again.
    @Test func errorsAreStickyUntilReset() {
        var parser = HTTPRequestHeadParser()
        let bad = bytes("G(T / HTTP/1.1\r\n")
        let good = bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(withBuffer(bad) { parser.parse($0) } == .invalid(.invalidMethod))
        #expect(withBuffer(good) { parser.parse($0) } == .invalid(.invalidMethod))
        parser.reset()
        #expect(withBuffer(good) { parser.parse($0) }.head != nil)
    }

    /// A bare CR is refused as soon as the byte after it arrives, without waiting for a line end.
    @Test func bareCRIsRefusedBeforeTheLineEnds() {
        #expect(parseRequest("GET / HTTP/1.1\rX") == .invalid(.bareCarriageReturn))
        #expect(parseRequest("GET / HTTP/1.1\r") == .needMoreBytes)
    }

    /// A typical request: every range and fact comes out right, values trimmed of OWS.
    @Test func parsesATypicalRequest() throws {
        let fixture = bytes(
            "GET /search/items?q=a%20b&page=2 HTTP/1.1\r\n"
                + "Host: example.com:8080\r\n"
                + "User-Agent:   curl/8.5.0  \r\n"
                + "Accept: */*\r\n"
                + "X-Empty:\r\n"
                + "X-Tab:\tv\t\r\n"
                + "\r\n")
        guard case .complete(let head, let length) = parseRequest(fixture) else {
            Issue.record("not complete")
            return
        }
        #expect(length == fixture.count)
        #expect(text(head.method, in: fixture) == "GET")
        #expect(text(head.target, in: fixture) == "/search/items?q=a%20b&page=2")
        #expect(head.targetForm == .origin)
        #expect(text(head.path, in: fixture) == "/search/items")
        #expect(text(head.query, in: fixture) == "q=a%20b&page=2")
        #expect(head.authority == nil)
        #expect(head.version == .http1_1)
        #expect(text(head.host, in: fixture) == "example.com:8080")
        let fields = head.headers.map { (text($0.name, in: fixture)!, text($0.value, in: fixture)!) }
        #expect(fields.map(\.0) == ["Host", "User-Agent", "Accept", "X-Empty", "X-Tab"])
        #expect(fields.map(\.1) == ["example.com:8080", "curl/8.5.0", "*/*", "", "v"])
        #expect(head.bodyFraming == .none)
        #expect(head.keepAlive)
        #expect(!head.isHEAD)
        #expect(!head.isUpgradeRequest)
        #expect(!head.expectsContinue)
        let value = withBuffer(fixture) { head.headers.firstValue(named: "user-agent", in: $0) }
        #expect(text(value, in: fixture) == "curl/8.5.0")
    }

    /// Content-Length, chunked and other codings give the body framing, and identical duplicate lengths are one.
    @Test func bodyFacts() {
        let post = "POST /upload HTTP/1.1\r\nHost: a\r\n"
        #expect(parseRequest(post + "Content-Length: 42\r\n\r\n").head?.bodyFraming == .contentLength(42))
        #expect(parseRequest(post + "Content-Length: 007\r\n\r\n").head?.contentLength == 7)
        #expect(parseRequest(post + "Content-Length: 5, 5\r\n\r\n").head?.contentLength == 5)
        #expect(parseRequest(post + "Content-Length: 5\r\ncontent-length: 5\r\n\r\n").head?.contentLength == 5)
        #expect(parseRequest(post + "Content-Length: 0\r\n\r\n").head?.bodyFraming == .contentLength(0))

        let chunked = parseRequest(post + "Transfer-Encoding: Chunked\r\n\r\n").head
        #expect(chunked?.bodyFraming == .chunked)
        #expect(chunked?.hasTransferEncoding == true)
        #expect(chunked?.hasOtherTransferCodings == false)

        let gzipped = parseRequest(post + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n").head
        #expect(gzipped?.isChunked == true)
        #expect(gzipped?.hasOtherTransferCodings == true)
        #expect(parseRequest(post + "Transfer-Encoding: gzip, , chunked\r\n\r\n").head?.isChunked == true)
    }

    /// Connection options, Upgrade and Expect are resolved once, case-insensitively, across lines.
    @Test func connectionUpgradeAndExpect() throws {
        let fixture = bytes(
            "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
                + "Expect: 100-Continue\r\n\r\n")
        let head = try #require(parseRequest(fixture).head)
        #expect(head.connection == [.keepAlive, .upgrade])
        #expect(text(head.upgrade, in: fixture) == "websocket")
        #expect(head.isUpgradeRequest)
        #expect(head.expectsContinue)

        let closing = try #require(parseRequest("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo\r\nConnection: CLOSE\r\n\r\n").head)
        #expect(closing.connection == [.close])
        #expect(!closing.keepAlive)
    }

    /// HTTP/1.0 needs no Host, and keeps the connection only when asked; a higher 1.x minor reads as 1.1.
    @Test func versions() throws {
        let old = try #require(parseRequest("GET / HTTP/1.0\r\n\r\n").head)
        #expect(old.version == .http1_0)
        #expect(old.host == nil)
        #expect(!old.keepAlive)
        #expect(try #require(parseRequest("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").head).keepAlive)
        let newer = try #require(parseRequest("GET / HTTP/1.2\r\nHost: a\r\n\r\n").head)
        #expect(newer.version == HTTPVersion(major: 1, minor: 2))
        #expect(newer.keepAlive)
        #expect(parseRequest("GET / HTTP/1.2\r\n\r\n") == .invalid(.missingHost))
    }

    /// Absolute, authority and asterisk targets are recognised with their parts; HEAD is flagged.
    @Test func targetForms() throws {
        let absolute = bytes("GET http://example.com:81/a/b?x=1 HTTP/1.1\r\nHost: example.com:81\r\n\r\n")
        let head = try #require(parseRequest(absolute).head)
        #expect(head.targetForm == .absolute)
        #expect(text(head.authority, in: absolute) == "example.com:81")
        #expect(text(head.path, in: absolute) == "/a/b")
        #expect(text(head.query, in: absolute) == "x=1")

        let connect = bytes("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        let tunnel = try #require(parseRequest(connect).head)
        #expect(tunnel.targetForm == .authority)
        #expect(text(tunnel.authority, in: connect) == "example.com:443")

        #expect(try #require(parseRequest("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").head).targetForm == .asterisk)
        #expect(try #require(parseRequest("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").head).isHEAD)
    }

    /// Empty lines before the request line are skipped and counted; bare LF ends lines as in nginx.
    @Test func leadingEmptyLinesAndBareLF() throws {
        let fixture = bytes("\r\n\n\r\nGET / HTTP/1.1\nHost: a\n\n")
        guard case .complete(let head, let length) = parseRequest(fixture) else {
            Issue.record("not complete")
            return
        }
        #expect(length == fixture.count)
        #expect(text(head.method, in: fixture) == "GET")
        #expect(text(head.host, in: fixture) == "a")
    }

    /// obs-text (bytes 0x80-0xFF) is allowed in values, and an empty Host is allowed (RFC 9112 §3.2).
    @Test func obsTextAndEmptyHost() throws {
        let fixture = bytes("GET / HTTP/1.1\r\nHost:\r\nX-Name: ") + [0xC3, 0xA9] + bytes("\r\n\r\n")
        let head = try #require(parseRequest(fixture).head)
        #expect(head.host == ByteRange(offset: 21, count: 0))
        #expect(withBuffer(fixture) { head.headers[1].value.bytes(in: $0) } == [0xC3, 0xA9])
    }

    /// The head ends at its empty line; bytes after it (a body, a pipelined request) are left alone and parse next.
    @Test func pipelinedRequests() throws {
        let first = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
        let second = "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
        let fixture = bytes(first + second)
        var parser = HTTPRequestHeadParser()
        guard case .complete(_, let length) = withBuffer(fixture, { parser.parse($0) }) else {
            Issue.record("first not complete")
            return
        }
        #expect(length == first.utf8.count)
        let rest = Array(fixture[length...])
        let head = try #require(withBuffer(rest) { parser.parse($0) }.head)
        #expect(text(head.path, in: rest) == "/2")
    }

    /// Valid heads used to check split reads.
    static let splitFixtures: [String] = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "\r\nPOST /form?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5, 5\r\nConnection: keep-alive\r\n\r\nhello",
        "PUT /up HTTP/1.1\nHost: b\nTransfer-Encoding: gzip, chunked\nExpect: 100-continue\n\n5\r\nhello\r\n0\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: c\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        "GET / HTTP/1.0\r\nUser-Agent: x\r\n\r\n",
        // Lines the parser reads straight from the buffer and lines it leaves to the line
        // scanner (a TAB, obs-text, a bare LF, other methods and targets) side by side.
        "POST /a/b?c=d&e=%20 HTTP/1.1\r\nHost: h.example:8080\r\nX_Name.1: \tv\tw \r\nX-Long: abcdefghijklmnopqrstuvwxyz0123456789\r\nContent-Length: 000012\r\n\r\nbody",
        "HEAD /caf\u{e9}?{q}|^ HTTP/1.1\nHost: a\nX: caf\u{e9}\r\nConnection: close, Upgrade\nUpgrade: h2c\n\r\n",
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n",
    ]

    /// Fed one byte more at a time (each call over a freshly copied buffer), the parser says
    /// `.needMoreBytes` until the head is complete, then gives exactly the one-shot result.
    @Test(arguments: splitFixtures)
    func splitReadsAtEveryByte(_ fixtureText: String) {
        let fixture = bytes(fixtureText)
        let oneShot = parseRequest(fixture)
        guard case .complete(_, let headLength) = oneShot else {
            Issue.record("fixture does not parse: \(oneShot)")
            return
        }
        var parser = HTTPRequestHeadParser()
        for prefix in 0..<headLength {
            let result = withBuffer(Array(fixture[..<prefix])) { parser.parse($0) }
            #expect(result == .needMoreBytes, "prefix \(prefix)")
        }
        #expect(withBuffer(Array(fixture[..<headLength])) { parser.parse($0) } == oneShot)
    }

    /// Any two-part split (a fresh parser per split point) gives the one-shot result.
    @Test(arguments: splitFixtures)
    func splitReadsInTwoParts(_ fixtureText: String) {
        let fixture = bytes(fixtureText)
        let oneShot = parseRequest(fixture)
        for split in 0...fixture.count {
            var parser = HTTPRequestHeadParser()
            _ = withBuffer(Array(fixture[..<split])) { parser.parse($0) }
            #expect(withBuffer(fixture) { parser.parse($0) } == oneShot, "split \(split)")
        }
    }

    /// A rejection found in split reads is the same as in one shot.
    @Test(arguments: rejections.prefix(40))
    func splitRejections(_ rejection: Rejection) {
        var parser = HTTPRequestHeadParser()
        var result = HeadParseResult<RequestHead>.needMoreBytes
        for prefix in 0...rejection.fixture.count {
            result = withBuffer(Array(rejection.fixture[..<prefix])) { parser.parse($0) }
            if result != .needMoreBytes { break }
        }
        #expect(result == .invalid(rejection.error))
    }

    // MARK: Limits

    /// A request line over the limit gets 414 as soon as the limit is passed, line end or not.
    @Test func requestLineLimit() {
        let limits = HeadLimits(maxStartLineLength: 20, maxFieldLineLength: 20, maxHeadLength: 100)
        let exact = "GET /" + String(repeating: "a", count: granted(20)) + " HTTP/1.1"
        #expect(exact.utf8.count == 20)
        #expect(parseRequest(exact + "\r\nHost: a\r\n\r\n", limits: limits).head != nil)
        #expect(parseRequest("GET /" + String(repeating: "a", count: 7) + " HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) == .invalid(.requestLineTooLong))
        let unfinished = parseRequest("GET /" + String(repeating: "a", count: 40), limits: limits)
        #expect(unfinished == .invalid(.requestLineTooLong))
        #expect(HTTPParseError.requestLineTooLong.status == 414)
    }

    private func granted(_ lineLength: Int) -> Int {
        lineLength - "GET / HTTP/1.1".utf8.count
    }

    /// A field line over its limit, a head over its limit and too many fields all get 431.
    @Test func headerLimits() {
        let limits = HeadLimits(maxStartLineLength: 64, maxFieldLineLength: 16, maxHeadLength: 80, maxFieldCount: 3)
        let start = "GET / HTTP/1.1\r\nHost: a\r\n"
        #expect(parseRequest(start + "X: 0123456789abc\r\n\r\n", limits: limits).head != nil)  // exactly 16
        #expect(parseRequest(start + "X: 0123456789abcd\r\n\r\n", limits: limits) == .invalid(.headerLineTooLong))
        #expect(parseRequest(start + "X: 0123456789abcdef", limits: limits) == .invalid(.headerLineTooLong))
        #expect(parseRequest(start + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits) == .invalid(.tooManyHeaders))
        let big = start + "A: 0123456789ab\r\nB: 0123456789ab\r\nC: 0123456789ab\r\nD: 0123456789ab\r\n\r\n"
        #expect(parseRequest(big, limits: HeadLimits(maxStartLineLength: 64, maxFieldLineLength: 16, maxHeadLength: 80)) == .invalid(.headerSectionTooLarge))
        for error in [HTTPParseError.headerLineTooLong, .headerSectionTooLarge, .tooManyHeaders] {
            #expect(error.status == 431)
        }
    }

    /// A head exactly at the size limit passes; one byte more does not, even with body bytes after it.
    @Test func headLimitIsExact() {
        let head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        let size = head.utf8.count
        #expect(parseRequest(head + "body", limits: HeadLimits(maxStartLineLength: 14, maxHeadLength: size)).head != nil)
        #expect(parseRequest(head + "body", limits: HeadLimits(maxStartLineLength: 14, maxHeadLength: size - 1)) == .invalid(.headerSectionTooLarge))
    }

    /// The limits hold to the byte for lines ended by CR LF and by a bare LF alike, whichever
    /// way the parser reads them (whole, or a byte at a time).
    @Test func lineLimitsAreExactForEveryLineEnd() {
        for lineEnd in ["\r\n", "\n"] {
            let request = "GET / HTTP/1.1" + lineEnd
            let field = "Host: abcdefgh"  // 14 bytes
            let head = request + field + lineEnd + lineEnd
            for (maxField, fits) in [(14, true), (13, false)] {
                let limits = HeadLimits(maxStartLineLength: 14, maxFieldLineLength: maxField)
                let expected: HeadParseResult<RequestHead>? = fits ? nil : .invalid(.headerLineTooLong)
                let oneShot = parseRequest(head, limits: limits)
                if let expected { #expect(oneShot == expected, "\(lineEnd.debugDescription) \(maxField)") } else { #expect(oneShot.head != nil) }
                var parser = HTTPRequestHeadParser(limits: limits)
                let fixture = bytes(head)
                var last = HeadParseResult<RequestHead>.needMoreBytes
                for prefix in 1...fixture.count where last == .needMoreBytes {
                    last = withBuffer(Array(fixture[..<prefix])) { parser.parse($0) }
                }
                #expect(last == oneShot, "\(lineEnd.debugDescription) \(maxField) byte by byte")
            }
            let tight = HeadLimits(maxStartLineLength: 13, maxFieldLineLength: 14)
            #expect(parseRequest(head, limits: tight) == .invalid(.requestLineTooLong))
            let size = bytes(head).count
            #expect(parseRequest(head, limits: HeadLimits(maxStartLineLength: 14, maxHeadLength: size)).head != nil)
            #expect(parseRequest(head, limits: HeadLimits(maxStartLineLength: 14, maxHeadLength: size - 1)) == .invalid(.headerSectionTooLarge))
        }
    }

    /// `reset()` in the middle of a head forgets it; after a complete head it has nothing to forget.
    @Test func resetForgetsAPartialHead() {
        var parser = HTTPRequestHeadParser()
        #expect(withBuffer(bytes("POST /a HTTP/1.1\r\nContent-Length: 5\r\nHo")) { parser.parse($0) } == .needMoreBytes)
        parser.reset()
        let next = bytes("GET /b HTTP/1.1\r\nHost: a\r\n\r\n")
        let head = withBuffer(next) { parser.parse($0) }.head
        #expect(head?.contentLength == nil)
        #expect(text(head?.path, in: next) == "/b")
        parser.reset()
        #expect(withBuffer(next) { parser.parse($0) } == parseRequest(next))
    }

    /// Endless empty lines before a request are bounded by the head limit.
    @Test func leadingEmptyLinesAreBounded() {
        let limits = HeadLimits(maxStartLineLength: 64, maxHeadLength: 64)
        #expect(parseRequest(String(repeating: "\r\n", count: 40), limits: limits) == .invalid(.headerSectionTooLarge))
    }
}
