import Testing

@testable import SwitchyardWire

struct HTTPResponseHeadParserTests {
    /// A typical response: version, status, reason, fields and framing.
    @Test func parsesATypicalResponse() throws {
        let fixture = bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
        guard case .complete(let head, let length) = parseResponse(fixture) else {
            Issue.record("not complete")
            return
        }
        #expect(length == fixture.count - 5)
        #expect(head.version == .http1_1)
        #expect(head.status == 200)
        #expect(text(head.reason, in: fixture) == "OK")
        #expect(head.headers.count == 2)
        #expect(head.contentLength == 5)
        #expect(head.keepAlive)
        #expect(head.bodyFraming(requestMethodIsHEAD: false) == .contentLength(5))
    }

    /// HEAD, 1xx, 204 and 304 have no body whatever their fields say; otherwise chunked, length, or until close.
    @Test func bodyFramingRules() throws {
        let withLength = "Content-Length: 10\r\n\r\n"
        func framing(_ status: String, _ fields: String, head: Bool = false) throws -> BodyFraming {
            try #require(parseResponse("HTTP/1.1 \(status)\r\n" + fields).head).bodyFraming(requestMethodIsHEAD: head)
        }
        #expect(try framing("200 OK", withLength, head: true) == .none)
        #expect(try framing("204 No Content", withLength) == .none)
        #expect(try framing("304 Not Modified", withLength) == .none)
        #expect(try framing("100 Continue", "\r\n") == .none)
        #expect(try framing("103 Early Hints", "Link: </a.css>\r\n\r\n") == .none)
        #expect(try framing("200 OK", "Transfer-Encoding: chunked\r\n\r\n") == .chunked)
        #expect(try framing("200 OK", "Transfer-Encoding: chunked\r\n\r\n", head: true) == .none)
        #expect(try framing("404 Not Found", withLength) == .contentLength(10))
        #expect(try framing("200 OK", "\r\n") == .untilClose)
        #expect(try framing("500 Oops", "Connection: close\r\n\r\n") == .untilClose)
    }

    /// A 101 with Upgrade switches protocols and carries the Upgrade and Connection facts.
    @Test func switchingProtocols() throws {
        let fixture = bytes(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
        let head = try #require(parseResponse(fixture).head)
        #expect(head.isSwitchingProtocols)
        #expect(head.isInformational)
        #expect(head.connection == [.upgrade])
        #expect(text(head.upgrade, in: fixture) == "websocket")
        #expect(head.bodyFraming(requestMethodIsHEAD: false) == .none)
    }

    /// An interim 100 Continue is a complete head; the final response parses after it with the same parser.
    @Test func interimThenFinal() throws {
        let interim = "HTTP/1.1 100 Continue\r\n\r\n"
        let fixture = bytes(interim + "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        var parser = HTTPResponseHeadParser()
        guard case .complete(let first, let length) = withBuffer(fixture, { parser.parse($0) }) else {
            Issue.record("interim not complete")
            return
        }
        #expect(first.status == 100)
        #expect(length == interim.utf8.count)
        let rest = Array(fixture[length...])
        #expect(try #require(withBuffer(rest) { parser.parse($0) }.head).status == 201)
    }

    /// An empty reason is allowed with or without its SP (as nginx); HTTP/1.0 without keep-alive closes.
    @Test func lenientReasonAndVersions() throws {
        let bare = try #require(parseResponse("HTTP/1.1 200\r\n\r\n").head)
        #expect(bare.status == 200)
        #expect(bare.reason.isEmpty)
        #expect(try #require(parseResponse("HTTP/1.1 200 \r\n\r\n").head).reason.isEmpty)
        let reason = bytes("HTTP/1.1 404 Not\tFound \r\n\r\n")
        #expect(text(try #require(parseResponse(reason).head).reason, in: reason) == "Not\tFound ")
        let old = try #require(parseResponse("HTTP/1.0 200 OK\r\n\r\n").head)
        #expect(!old.keepAlive)
        #expect(try #require(parseResponse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n").head).keepAlive)
        #expect(!(try #require(parseResponse("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").head).keepAlive))
        // Host means nothing in a response: duplicates are not checked.
        #expect(parseResponse("HTTP/1.1 200 OK\r\nHost: a\r\nHost: b\r\n\r\n").head != nil)
    }

    /// A malformed response head and the error it gets (the proxy answers 502 for all of them).
    static let rejections: [(String, String, HTTPParseError)] = [
        ("not HTTP at all", "ICY 200 OK\r\n\r\n", .invalidStatusLine),
        ("a two-digit status", "HTTP/1.1 20 OK\r\n\r\n", .invalidStatusLine),
        ("a four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", .invalidStatusLine),
        ("letters in the status", "HTTP/1.1 2x0 OK\r\n\r\n", .invalidStatusLine),
        ("two SPs before the status", "HTTP/1.1  200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/2 without minor", "HTTP/2 200 OK\r\n\r\n", .invalidStatusLine),
        ("lowercase http", "http/1.1 200 OK\r\n\r\n", .invalidStatusLine),
        ("an empty line before the status line", "\r\nHTTP/1.1 200 OK\r\n\r\n", .invalidStatusLine),
        ("a control byte in the reason", "HTTP/1.1 200 O\u{1}K\r\n\r\n", .invalidStatusLine),
        ("status 099", "HTTP/1.1 099 Low\r\n\r\n", .invalidStatusCode),
        ("status 600", "HTTP/1.1 600 High\r\n\r\n", .invalidStatusCode),
        ("HTTP/2.0", "HTTP/2.0 200 OK\r\n\r\n", .unsupportedVersion),
        ("HTTP/0.9", "HTTP/0.9 200 OK\r\n\r\n", .invalidVersion),
        ("a bare CR in the status line", "HTTP/1.1 200 OK\rX\r\n\r\n", .bareCarriageReturn),
        ("obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", .obsoleteLineFolding),
        ("whitespace before the colon", "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n", .whitespaceBeforeColon),
        ("a line without colon", "HTTP/1.1 200 OK\r\nNope\r\n\r\n", .missingColon),
        ("NUL in a value", "HTTP/1.1 200 OK\r\nX: a\u{0}\r\n\r\n", .invalidHeaderValue),
        ("CL with TE", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", .contentLengthWithTransferEncoding),
        ("differing CLs", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n", .conflictingContentLength),
        ("a bad CL", "HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\n", .invalidContentLength),
        ("TE not ending in chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", .transferEncodingNotFinallyChunked),
        ("an unknown coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: foo, chunked\r\n\r\n", .unknownTransferCoding),
        ("TE in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10),
    ]

    /// Every malformed response head is refused with its own error.
    @Test(arguments: rejections)
    func rejects(_ what: String, _ fixture: String, _ error: HTTPParseError) {
        #expect(parseResponse(fixture) == .invalid(error), "\(what)")
    }

    /// A status line over the start-line limit is refused (502), line end or not.
    @Test func statusLineLimit() {
        let limits = HeadLimits(maxStartLineLength: 16, maxHeadLength: 64)
        #expect(parseResponse("HTTP/1.1 200 OKO\r\n\r\n", limits: limits).head != nil)
        #expect(parseResponse("HTTP/1.1 200 OKOK\r\n\r\n", limits: limits) == .invalid(.invalidStatusLine))
    }

    /// The status line limit holds to the byte for CR LF and a bare LF alike.
    @Test func statusLineLimitForEveryLineEnd() {
        for lineEnd in ["\r\n", "\n"] {
            let head = "HTTP/1.1 200 OKO" + lineEnd + lineEnd
            #expect(parseResponse(head, limits: HeadLimits(maxStartLineLength: 16, maxHeadLength: 64)).head != nil)
            #expect(parseResponse(head, limits: HeadLimits(maxStartLineLength: 15, maxHeadLength: 64)) == .invalid(.invalidStatusLine))
        }
    }

    static let splitFixtures = [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{05}",
        "HTTP/1.0 404\nServer: x\n\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 404 Not\tFound \u{e9}\r\nX: \tv\r\nContent-Length: 0000000000000000000000007\n\r\n",
        "HTTP/1.1 204\nDate: Tue, 14 May 2024 09:21:07 GMT\r\n\n",
    ]

    /// Fed one byte more at a time, the parser waits until the head is complete, then matches the one-shot result.
    @Test(arguments: splitFixtures)
    func splitReadsAtEveryByte(_ fixtureText: String) {
        let fixture = bytes(fixtureText)
        let oneShot = parseResponse(fixture)
        guard case .complete(_, let headLength) = oneShot else {
            Issue.record("fixture does not parse: \(oneShot)")
            return
        }
        var parser = HTTPResponseHeadParser()
        for prefix in 0..<headLength {
            #expect(withBuffer(Array(fixture[..<prefix])) { parser.parse($0) } == .needMoreBytes, "prefix \(prefix)")
        }
        #expect(withBuffer(fixture) { parser.parse($0) } == oneShot)
    }
}
