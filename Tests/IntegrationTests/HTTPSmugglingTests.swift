import Testing
import TestSupport

extension Integration {
    /// Request smuggling and header injection, as a table of raw requests: each gets its
    /// status from the router, the connection closes after it, and the backend behind a
    /// catch-all `location /` receives nothing at all.
    @Suite struct HTTPSmugglingTests {
        struct Attack: Sendable, CustomTestStringConvertible {
            let name: String
            let request: String
            let status: Int

            init(_ name: String, _ status: Int, _ lines: [String], body: String = "") {
                self.name = name
                self.status = status
                request = lines.joined(separator: "\r\n") + "\r\n\r\n" + body
            }

            init(_ name: String, _ status: Int, raw: String) {
                self.name = name
                self.status = status
                request = raw
            }

            var testDescription: String { name }
        }

        /// A request the backend would answer, pipelined after each attack: if the router
        /// kept reading after its error, this would reach the backend.
        static let smuggled = "GET /app/smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n"

        static let attacks: [Attack] = [
            Attack("Content-Length and Transfer-Encoding together", 400,
                   ["POST /app/a HTTP/1.1", "Host: localhost", "Content-Length: 6", "Transfer-Encoding: chunked"], body: "0\r\n\r\n"),
            Attack("Transfer-Encoding: xchunked", 501,
                   ["POST /app/a HTTP/1.1", "Host: localhost", "Transfer-Encoding: xchunked"], body: "0\r\n\r\n"),
            Attack("whitespace before the colon: Transfer-Encoding : chunked", 400,
                   ["POST /app/a HTTP/1.1", "Host: localhost", "Transfer-Encoding : chunked"], body: "0\r\n\r\n"),
            Attack("Content-Length: 1, 2", 400,
                   ["POST /app/a HTTP/1.1", "Host: localhost", "Content-Length: 1, 2"], body: "xy"),
            Attack("Content-Length: +5", 400,
                   ["POST /app/a HTTP/1.1", "Host: localhost", "Content-Length: +5"], body: "hello"),
            Attack("Content-Length: -1", 400,
                   ["POST /app/a HTTP/1.1", "Host: localhost", "Content-Length: -1"]),
            Attack("Content-Length that overflows 64 bits", 400,
                   ["POST /app/a HTTP/1.1", "Host: localhost", "Content-Length: 18446744073709551621"], body: "hello"),
            Attack("two differing Content-Length fields", 400,
                   ["POST /app/a HTTP/1.1", "Host: localhost", "Content-Length: 5", "Content-Length: 6"], body: "hello!"),
            Attack("obs-fold continuation line", 400,
                   ["GET /app/a HTTP/1.1", "Host: localhost", "X-Folded: first", " Transfer-Encoding: chunked"]),
            Attack("bare CR in a value", 400,
                   ["GET /app/a HTTP/1.1", "Host: localhost", "X-Inject: a\rTransfer-Encoding: chunked"]),
            Attack("NUL in a value", 400,
                   ["GET /app/a HTTP/1.1", "Host: localhost", "X-Inject: a\u{0}b"]),
            Attack("( in a header name", 400,
                   ["GET /app/a HTTP/1.1", "Host: localhost", "X(Inject): a"]),
            Attack("header line without a colon", 400,
                   ["GET /app/a HTTP/1.1", "Host: localhost", "X-No-Colon"]),
            Attack("two Host headers", 400,
                   ["GET /app/a HTTP/1.1", "Host: localhost", "Host: evil.example"]),
            Attack("HTTP/1.1 without Host", 400,
                   ["GET /app/a HTTP/1.1", "X-Other: 1"]),
            Attack("HTTP/0.9 request: GET /", 400, raw: "GET /\r\n"),
            Attack("request line without a version", 400,
                   ["GET /app/a", "Host: localhost"]),
            Attack("space inside the target", 400,
                   ["GET /app/a b HTTP/1.1", "Host: localhost"]),
            Attack("absolute path escape: /../etc/passwd", 400,
                   ["GET /../etc/passwd HTTP/1.1", "Host: localhost"]),
            Attack("%2e%2e climbing above the root", 400,
                   ["GET /app/%2e%2e/%2E%2e/etc/passwd HTTP/1.1", "Host: localhost"]),
        ]

        /// Each attack is answered with its status (400, or 501 for an unknown transfer
        /// coding) and `Connection: close`; the connection then ends without a second
        /// response, and neither the attack nor the request pipelined after it reaches the
        /// backend.
        @Test(arguments: HTTPSmugglingTests.attacks)
        func http_smugglingRefused(_ attack: Attack) throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPServer([
                location("/", ["proxy_pass http://app;"] + proxyTimeouts()),
            ], preamble: "upstream app { server 127.0.0.1:\(backend.port); }")
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            // HTTP/0.9 must be refused on its own line, with nothing pipelined after it.
            let pipelined = attack.request.contains("\r\n\r\n") ? Self.smuggled : ""
            try connection.send(attack.request + pipelined)
            let response = try #require(try connection.readResponse(timeout: 3),
                                        "no response (\(connection.reader.endDescription)) to \(Array(attack.request.utf8).visible); backend got \(backend.allBytesReceived.visible); log:\n\(router.logTail())")
            #expect(response.status == attack.status, "\(Array(attack.request.utf8).visible) → \(response.head)")
            expectField("Connection", "close", in: response.head, "client")
            #expect(response.body.count < 1024, "error bodies are short: \(response)")
            let end = connection.waitForEnd(timeout: 3)
            #expect(end.end == .eof || end.end == .reset, "after the error: \(end.end)")
            #expect(end.extra.isEmpty, "a second response followed: \(end.extra.visible)")
            MonotonicTime.sleep(0.1)
            #expect(backend.connectionCount == 0, "the backend received \(backend.allBytesReceived.visible)")
        }

        /// The control case: the same router answers a well-formed request from the backend,
        /// so "nothing reached the backend" above means refused, not unreachable.
        @Test func http_smugglingControlReachesBackend() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPServer([
                location("/", ["proxy_pass http://app;"] + proxyTimeouts()),
            ], preamble: "upstream app { server 127.0.0.1:\(backend.port); }")
            defer { router.stop(); backend.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("POST", "/app/a", headers: ["Content-Length: 5"], body: "hello"))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
            #expect(response.text == "/app/a")
            #expect(try onlyRequest(backend, router).body == Array("hello".utf8))
        }
    }
}
