import Foundation
import Glibc
import Testing
import TestSupport

extension Integration {
    /// Bodies and connections through the HTTP proxy: Content-Length and chunked both ways,
    /// 100-continue, pipelining, keep-alive, bodiless responses, close-delimited responses.
    @Suite struct HTTPBodyTests {
        /// A Content-Length request body reaches the upstream with the same Content-Length and
        /// bytes; the upstream's Content-Length response reaches the client the same way.
        @Test func http_contentLengthBothWays() throws {
            let backend = try RecordingHTTPBackend { request in
                .response(headers: ["Content-Type: text/plain"], body: "got \(request.body.count): \(request.bodyText)")
            }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("POST", "/app/upload", headers: [
                "Content-Length: 11", "Content-Type: text/plain",
            ], body: "hello world"))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
            #expect(response.text == "got 11: hello world", "\(response)")
            expectField("Content-Length", "19", in: response.head, "client")
            expectAbsent(["Transfer-Encoding"], in: response.head, "client")

            let request = try onlyRequest(backend, router)
            #expect(request.requestLine == "POST /upload HTTP/1.0", "\(request)")
            expectField("Content-Length", "11", in: request.head, "upstream")
            expectAbsent(["Transfer-Encoding"], in: request.head, "upstream")
            #expect(request.body == Array("hello world".utf8), "\(request)")
        }

        /// curl uploads 3 MiB (`--data-binary @file`, which also sends `Expect: 100-continue`)
        /// under `client_max_body_size 16m` and the upstream receives exactly those bytes;
        /// curl gets the router's `100 Continue` and then the upstream's answer.
        @Test(.enabled(if: Curl.isAvailable, "needs \(Curl.path)"))
        func http_curlUploadsLargeBody() throws {
            let backend = try RecordingHTTPBackend { request in
                .response(body: "\(StreamDigest(request.body))")
            }
            let (router, port) = try startHTTPProxy(to: backend.port, ["client_max_body_size 16m;"])
            defer { router.stop(); backend.stop() }

            let directory = try TempDirectory()
            defer { directory.remove() }
            var payload = [UInt8](repeating: 0, count: 3 * MiB)
            for index in payload.indices { payload[index] = UInt8(truncatingIfNeeded: (index &* 2_654_435_761) >> 13) }
            let file = directory.file("payload")
            #expect(FileManager.default.createFile(atPath: file, contents: Data(payload)))

            let output = try curl("--data-binary", "@\(file)", "-H", "Content-Type: application/octet-stream",
                                  "http://127.0.0.1:\(port)/app/big", timeout: 20, router: router)
            #expect(output.code == 200, "\(output)")
            #expect(output.heads.first?.startLine == "HTTP/1.1 100 Continue", "\(output)")
            #expect(output.body == "\(StreamDigest(payload))", "\(output)")
            let request = try onlyRequest(backend, router)
            expectField("Content-Length", "\(payload.count)", in: request.head, "upstream")
            expectAbsent(["Expect"], in: request.head, "upstream")
            #expect(StreamDigest(request.body) == StreamDigest(payload))
        }

        /// A chunked request body goes up chunked: the upstream sees one
        /// `Transfer-Encoding: chunked`, no Content-Length, an HTTP/1.1 request line, and the
        /// same chunk bytes the client sent, through the last chunk.
        @Test func http_chunkedRequestForwardedChunked() throws {
            let backend = try RecordingHTTPBackend { request in .response(body: request.bodyText) }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let chunks = HTTPFraming.chunked(["hello", " chunked", " world, a longer chunk of 40 bytes......"])
            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            // The head and each chunk in its own write, as a streaming client sends them.
            try connection.send(HTTPClient.request("POST", "/app/chunks", headers: ["Transfer-Encoding: chunked"]))
            for piece in [Array(chunks[0..<10]), Array(chunks[10..<30]), Array(chunks[30...])] {
                MonotonicTime.sleep(0.02)
                try connection.send(piece)
            }
            let response = try #require(try connection.readResponse(), "no response; log:\n\(router.logTail())")
            #expect(response.status == 200, "\(response)")
            #expect(response.text == "hello chunked world, a longer chunk of 40 bytes......", "\(response)")

            let request = try onlyRequest(backend, router)
            #expect(request.requestLine == "POST /chunks HTTP/1.1", "\(request)")
            expectField("Transfer-Encoding", "chunked", in: request.head, "upstream")
            expectAbsent(["Content-Length"], in: request.head, "upstream")
            #expect(request.body == chunks, "upstream body \(request.body.visible), client sent \(chunks.visible)")
            #expect(request.complete)
        }

        /// A chunked response passes through to an HTTP/1.1 client: one
        /// `Transfer-Encoding: chunked`, no Content-Length, the same chunk bytes, and the
        /// connection stays usable for the next request.
        @Test func http_chunkedResponsePassedThrough() throws {
            let chunks = HTTPFraming.chunked(["first,", "second,", String(repeating: "x", count: 3000)])
            let backend = try RecordingHTTPBackend { _ in
                .send(RecordingHTTPBackend.response(200, headers: ["Transfer-Encoding: chunked", "X-Up: 1"], body: chunks))
            }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for round in 0..<2 {
                try connection.send(HTTPClient.request("/app/c\(round)"))
                let response = try #require(try connection.readResponse(), "round \(round): no response; log:\n\(router.logTail())")
                #expect(response.status == 200, "round \(round): \(response)")
                expectField("Transfer-Encoding", "chunked", in: response.head, "client")
                expectAbsent(["Content-Length"], in: response.head, "client")
                #expect(response.complete, "round \(round): \(response)")
                #expect(response.body == chunks, "round \(round): client got \(response.body.visible)")
                #expect(response.text == "first,second," + String(repeating: "x", count: 3000))
            }
        }

        /// An HTTP/1.0 client cannot read chunked (RFC 9112 §7.1: never send it to one): the
        /// upstream's chunked response reaches it without `Transfer-Encoding: chunked`, as
        /// the decoded data delimited by the close of its connection.
        @Test func http_chunkedResponseToHTTP10Client() throws {
            let chunks = HTTPFraming.chunked(["old ", "client"])
            let backend = try RecordingHTTPBackend { _ in
                .send(RecordingHTTPBackend.response(200, headers: ["Transfer-Encoding: chunked"], body: chunks))
            }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send("GET /app/old HTTP/1.0\r\nHost: localhost\r\n\r\n")
            let head = try #require(try connection.readHead(), "no response; log:\n\(router.logTail())")
            #expect(head.status == 200, "\(head)")
            expectAbsent(["Transfer-Encoding"], in: head, "HTTP/1.0 client")
            let rest = try connection.reader.readToEnd(deadline: Deadline(seconds: 5))
            #expect(rest == Array("old client".utf8), "HTTP/1.0 client got \(rest.visible) after \(head)")
            #expect(connection.reader.sawEOF, "\(connection.reader.endDescription)")
        }

        /// `Expect: 100-continue`: the client gets `HTTP/1.1 100 Continue` from the router
        /// before it sends its body, then the final answer; the upstream never sees Expect and
        /// gets the body.
        @Test func http_expectContinue() throws {
            let backend = try RecordingHTTPBackend { request in .response(body: "body=\(request.bodyText)") }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(HTTPClient.request("PUT", "/app/put", headers: ["Content-Length: 5", "Expect: 100-continue"]))
            let interim = try #require(try connection.readHead(timeout: 3), "no 100 Continue; log:\n\(router.logTail())")
            #expect(interim.startLine == "HTTP/1.1 100 Continue", "\(interim)")
            #expect(interim.bytes == Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), "\(interim)")
            try connection.send("hello")
            let response = try #require(try connection.readResponse(), "no final response; log:\n\(router.logTail())")
            #expect(response.status == 200, "\(response)")
            #expect(response.text == "body=hello", "\(response)")

            let request = try onlyRequest(backend, router)
            expectAbsent(["Expect"], in: request.head, "upstream")
            expectField("Content-Length", "5", in: request.head, "upstream")
            #expect(request.body == Array("hello".utf8))
        }

        /// Three requests written at once on one connection are answered in order (each
        /// response names its own path), the third's `Connection: close` ends the connection,
        /// and the upstream saw all three.
        @Test func http_pipelinedInOrder() throws {
            let backend = try RecordingHTTPBackend { request in
                // The first answer is the slowest: order must come from the router, not luck.
                let delay = request.target == "/one" ? 0.3 : 0
                return .delayed(delay, then: .response(body: "answer to \(request.target)"))
            }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(HTTPClient.request("/app/one") + HTTPClient.request("/app/two")
                + HTTPClient.request("/app/three", headers: ["Connection: close"]))
            var bodies: [String] = []
            for index in 0..<3 {
                let response = try #require(try connection.readResponse(), "response \(index) missing after \(bodies); log:\n\(router.logTail())")
                #expect(response.status == 200, "\(response)")
                expectField("Connection", index < 2 ? "keep-alive" : "close", in: response.head, "client, response \(index)")
                bodies.append(response.text)
            }
            #expect(bodies == ["answer to /one", "answer to /two", "answer to /three"])
            let end = connection.waitForEnd(timeout: 3)
            #expect(end.end == .eof && end.extra.isEmpty, "after the last response: \(end.end), extra \(end.extra.visible)")
            #expect(backend.requests.map(\.target).sorted() == ["/one", "/three", "/two"])
        }

        /// Requests with bodies pipelined with the next: a Content-Length POST, a chunked POST
        /// and a GET written at once are answered in order, and the upstream gets each body
        /// exactly, with the next request never taken for body bytes nor the reverse.
        @Test func http_pipelinedAfterBodies() throws {
            let backend = try RecordingHTTPBackend { request in .response(body: "\(request.target)=\(request.bodyText)") }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(HTTPClient.request("POST", "/app/cl", headers: ["Content-Length: 5"], body: "hello")
                + HTTPClient.request("POST", "/app/chunked", headers: ["Transfer-Encoding: chunked"])
                + String(decoding: HTTPFraming.chunked(["GET /app/x HTTP/1.1\r\n\r\n"]), as: UTF8.self)
                + HTTPClient.request("/app/last"))
            var bodies: [String] = []
            for index in 0..<3 {
                let response = try #require(try connection.readResponse(), "response \(index) missing after \(bodies); log:\n\(router.logTail())")
                bodies.append(response.text)
            }
            #expect(bodies == ["/cl=hello", "/chunked=GET /app/x HTTP/1.1\r\n\r\n", "/last="])
            let requests = try #require(backend.waitForRequests(3), "log:\n\(router.logTail())")
            #expect(requests.count == 3, "\(requests)")
        }

        /// Client keep-alive: five requests one after another on one socket each get
        /// `Connection: keep-alive` and their own answer, while the upstream gets a fresh
        /// connection with `Connection: close` for each; an HTTP/1.0 request without
        /// keep-alive gets `Connection: close` and EOF.
        @Test func http_clientKeepAlive() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for index in 0..<5 {
                try connection.send(HTTPClient.request("/app/k\(index)"))
                let response = try #require(try connection.readResponse(), "request \(index): no response; log:\n\(router.logTail())")
                #expect(response.text == "/k\(index)", "\(response)")
                expectField("Connection", "keep-alive", in: response.head, "client")
            }
            #expect(backend.connectionCount == 5)
            for request in backend.requests { expectField("Connection", "close", in: request.head, "upstream") }

            let legacy = try HTTPConnection(port: port)
            defer { legacy.close() }
            try legacy.send("GET /app/old HTTP/1.0\r\nHost: localhost\r\n\r\n")
            let response = try #require(try legacy.readResponse(), "HTTP/1.0: no response; log:\n\(router.logTail())")
            #expect(response.text == "/old", "\(response)")
            expectField("Connection", "close", in: response.head, "HTTP/1.0 client")
            let end = legacy.waitForEnd(timeout: 3)
            #expect(end.end == .eof && end.extra.isEmpty, "HTTP/1.0 client: \(end.end), extra \(end.extra.visible)")
        }

        /// curl fetching two URLs in one run reuses its connection (it says so on stderr) and
        /// gets both answers.
        @Test(.enabled(if: Curl.isAvailable, "needs \(Curl.path)"))
        func http_curlReusesConnection() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let output = try curl("-v", "http://127.0.0.1:\(port)/app/first", "http://127.0.0.1:\(port)/app/second", router: router)
            #expect(output.heads.count == 2, "\(output)")
            #expect(output.heads.allSatisfy { $0.status == 200 }, "\(output)")
            #expect(output.bodies == ["/first", "/second"], "\(output)")
            #expect(output.stderr.contains("Re-using existing connection"), "\(output)")
            #expect(backend.requests.count == 2)
        }

        /// Responses without a body — to HEAD (the upstream's Content-Length kept), 204 and
        /// 304 — end at their head: the next request on the same connection is answered at
        /// once, and no Transfer-Encoding was added to them.
        @Test func http_bodilessResponses() throws {
            let backend = try RecordingHTTPBackend { request in
                switch request.target {
                case "/head": .send(RecordingHTTPBackend.response(200, headers: ["Content-Length: 1234"]))
                case "/nocontent": .send(RecordingHTTPBackend.response(204, reason: "No Content", headers: []))
                case "/notmodified": .send(RecordingHTTPBackend.response(304, reason: "Not Modified", headers: ["ETag: \"v1\""]))
                default: .response(body: "next")
                }
            }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for (method, path, status) in [("HEAD", "/app/head", 200), ("GET", "/app/nocontent", 204), ("GET", "/app/notmodified", 304)] {
                try connection.send(HTTPClient.request(method, path))
                let response = try #require(try connection.readResponse(method: method), "\(path): no response; log:\n\(router.logTail())")
                #expect(response.status == status, "\(path): \(response)")
                expectAbsent(["Transfer-Encoding"], in: response.head, "client for \(path)")
                if method == "HEAD" { expectField("Content-Length", "1234", in: response.head, "client for HEAD") }
                if status == 304 { expectField("ETag", "\"v1\"", in: response.head, "client for 304") }
                // Nothing more may follow the head: the next response starts right after it.
                try connection.send(HTTPClient.request("/app/after"))
                let next = try #require(try connection.readResponse(timeout: 3), "after \(path): no response; log:\n\(router.logTail())")
                #expect(next.head.startLine == "HTTP/1.1 200 OK" && next.text == "next", "after \(path): \(next)")
            }
        }

        /// A response with neither Content-Length nor chunked is delimited by the upstream's
        /// close: the client (which asked for keep-alive) gets every byte and then EOF, and
        /// the router did not invent a Content-Length.
        @Test func http_closeDelimitedResponse() throws {
            let body = String(repeating: "until close. ", count: 5000)
            let backend = try RecordingHTTPBackend { _ in
                .sendAndClose(RecordingHTTPBackend.response(200, headers: ["Content-Type: text/plain"], body: Array(body.utf8)))
            }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(HTTPClient.request("/app/stream", headers: ["Connection: keep-alive"]))
            let head = try #require(try connection.readHead(), "no response; log:\n\(router.logTail())")
            #expect(head.status == 200, "\(head)")
            expectAbsent(["Content-Length"], in: head, "client")
            let rest = try connection.reader.readToEnd(deadline: Deadline(seconds: 5))
            let received = head.isChunked ? HTTPFraming.dechunk(rest) ?? [] : rest
            #expect(received == Array(body.utf8), "client got \(rest.count) bytes: \(Array(rest.prefix(200)).visible)")
            #expect(connection.reader.sawEOF, "the client's connection was not closed: \(connection.reader.endDescription)")
        }

        /// `return 200 "hello\n"` answers from the router: curl gets the text with a
        /// Content-Length and the router's Server header; HEAD gets the head alone.
        @Test(.enabled(if: Curl.isAvailable, "needs \(Curl.path)"))
        func http_returnAnswersLocally() throws {
            let (router, port) = try startHTTPServer([location("= /hello", ["return 200 \"hello\\n\";"])])
            defer { router.stop() }

            let output = try curl("http://127.0.0.1:\(port)/hello", router: router)
            #expect(output.code == 200, "\(output)")
            #expect(output.body == "hello\n", "\(output)")
            #expect(output.head?.value("Content-Length") == "6", "\(output)")
            #expect(output.head?.value("Server")?.hasPrefix("switchyard") == true, "\(output)")

            let head = try HTTPClient.exchange(port: port, HTTPClient.request("HEAD", "/hello"), method: "HEAD")
            #expect(head.status == 200, "\(head)")
            expectField("Content-Length", "6", in: head.head, "client")
        }
    }
}
