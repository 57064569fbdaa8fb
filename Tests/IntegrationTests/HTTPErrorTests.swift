import Testing
import TestSupport

extension Integration {
    /// Upstream failures become 502/504 before any response byte, a truncated body after;
    /// the router's own statuses (400, 413, 414, 431, 404, 301, 302) for what it refuses or
    /// answers itself.
    @Suite struct HTTPErrorTests {
        /// The lines of `router`'s log that mention both the client and `upstream`.
        static func errorLines(_ router: SwitchyardProcess, upstream: String) -> [Substring] {
            router.log.split(separator: "\n").filter { $0.contains("client: 127.0.0.1") && $0.contains(upstream) }
        }

        /// An upstream that refuses the connection (a closed port) gives 502 at once, with a
        /// short body and `Connection: close`, logged once with the client and upstream.
        @Test func http_upstreamRefused502() throws {
            let closed = try TCP.freePort()
            let (router, port) = try startHTTPProxy(to: closed)
            defer { router.stop() }

            let started = MonotonicTime.now()
            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/x"))
            let elapsed = MonotonicTime.now() - started
            #expect(response.status == 502, "\(response); log:\n\(router.logTail())")
            #expect(elapsed < 2, "502 after \(elapsed) s")
            #expect(response.body.count < 1024, "\(response)")
            #expect(waitUntil(timeout: 2) { Self.errorLines(router, upstream: "127.0.0.1:\(closed)").count == 1 },
                    "want one error line naming the client and upstream; log:\n\(router.logTail())")
        }

        /// An upstream that never answers the SYN (a full backlog) with
        /// `proxy_connect_timeout 500ms` gives 504 after the timeout: not before ~400 ms,
        /// well within 5 s.
        @Test func http_connectTimeout504() throws {
            let blackhole = try BlackholeListener()
            defer { blackhole.close() }
            let (router, port) = try startHTTPProxy(to: blackhole.port)
            defer { router.stop() }

            let started = MonotonicTime.now()
            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/x"), timeout: 6)
            let elapsed = MonotonicTime.now() - started
            #expect(response.status == 504, "\(response); log:\n\(router.logTail())")
            #expect(elapsed >= 0.4 && elapsed < 5, "504 after \(elapsed) s")
            #expect(blackhole.swallowsConnects(), "the blackhole stopped swallowing SYNs; the test proves nothing")
        }

        /// An upstream that accepts and reads the request but never answers, with
        /// `proxy_read_timeout 1s`, gives 504 after about a second.
        @Test func http_readTimeout504() throws {
            let backend = try RecordingHTTPBackend { _ in .silence }
            let (router, port) = try startHTTPProxy(to: backend.port, readTimeout: "1s")
            defer { router.stop(); backend.stop() }

            let started = MonotonicTime.now()
            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/slow"), timeout: 6)
            let elapsed = MonotonicTime.now() - started
            #expect(response.status == 504, "\(response); log:\n\(router.logTail())")
            #expect(elapsed >= 0.9 && elapsed < 5, "504 after \(elapsed) s")
            #expect(backend.requests.count == 1, "the upstream got the request before timing out")
        }

        /// A client that stops sending its body for `client_body_timeout` gets 408 (nothing was
        /// answered yet) and the connection closes; the upstream never gets a whole request.
        @Test func http_clientBodyTimeout408() throws {
            let backend = try RecordingHTTPBackend { _ in .silence }
            let (router, port) = try startHTTPProxy(to: backend.port, ["client_body_timeout 500ms;"], readTimeout: "10s")
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            let started = MonotonicTime.now()
            try connection.send(Array("POST /app/upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc".utf8))
            let response = try #require(try connection.readResponse(), "no response; log:\n\(router.logTail())")
            let elapsed = MonotonicTime.now() - started
            #expect(response.status == 408, "\(response); log:\n\(router.logTail())")
            #expect(elapsed >= 0.4 && elapsed < 5, "408 after \(elapsed) s")
        }

        /// An upstream answering something that is not HTTP gives 502 and none of its bytes
        /// reach the client: an SSH banner on a connection it keeps open (refused on the
        /// bytes, not on the close), and binary junk followed by a close.
        @Test func http_garbageFromUpstream502() throws {
            let banner = Array("SSH-2.0-OpenSSH_9.6\r\n".utf8)
            let junk: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03] + Array("\r\n\r\n".utf8)
            let backend = try RecordingHTTPBackend { request in
                request.target == "/banner" ? .sendAndHold(banner) : .sendAndClose(junk)
            }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            for (path, garbage) in [("/app/banner", banner), ("/app/junk", junk)] {
                let started = MonotonicTime.now()
                let response = try HTTPClient.exchange(port: port, HTTPClient.request(path), timeout: 6)
                let elapsed = MonotonicTime.now() - started
                #expect(response.status == 502, "\(path): \(response); log:\n\(router.logTail())")
                #expect(elapsed < 3, "\(path): answered after \(elapsed) s, as if by the read timeout")
                #expect(!(response.head.bytes + response.body).contains(bytes: Array(garbage.prefix(8))), "\(path): \(response)")
            }
        }

        /// An upstream that sends its head with `Content-Length: 100000`, 1000 body bytes,
        /// and dies: the client gets the head and fewer than 100000 body bytes, then its
        /// connection is closed (well before the 5 s read timeout), never a well-formed end.
        @Test func http_upstreamDiesMidBody() throws {
            let partial = [UInt8](repeating: UInt8(ascii: "p"), count: 1000)
            let backend = try RecordingHTTPBackend { _ in
                .sendAndClose(RecordingHTTPBackend.response(200, headers: ["Content-Length: 100000"], body: partial))
            }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            let started = MonotonicTime.now()
            try connection.send(HTTPClient.request("/app/big"))
            let head = try #require(try connection.readHead(), "no head; log:\n\(router.logTail())")
            #expect(head.status == 200, "\(head)")
            expectField("Content-Length", "100000", in: head, "client")
            let end = connection.waitForEnd(timeout: 4)
            let elapsed = MonotonicTime.now() - started
            #expect(end.end == .eof || end.end == .reset, "client: \(end.end) after \(elapsed) s; log:\n\(router.logTail())")
            #expect(end.extra.count < 100_000 && end.extra.allSatisfy { $0 == UInt8(ascii: "p") },
                    "client got \(end.extra.count) body bytes: \(Array(end.extra.prefix(100)).visible)")
            #expect(elapsed < 3, "closed after \(elapsed) s")
        }

        /// Malformed requests get 400 from the router with `Connection: close`, and the
        /// connection is closed after it.
        @Test func http_malformedRequest400() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            for raw in ["HELLO\r\n\r\n", "GET /app/x HTTP/1.1\r\nHost: localhost\r\nthis line has no colon\r\n\r\n",
                        "G@T /app/x HTTP/1.1\r\nHost: localhost\r\n\r\n"] {
                let connection = try HTTPConnection(port: port)
                defer { connection.close() }
                try connection.send(raw)
                let response = try #require(try connection.readResponse(timeout: 3), "\(raw.debugDescription): no response")
                #expect(response.status == 400, "\(raw.debugDescription): \(response)")
                expectField("Connection", "close", in: response.head, "client")
                let end = connection.waitForEnd(timeout: 3)
                #expect(end.end == .eof || end.end == .reset, "\(raw.debugDescription): \(end.end)")
            }
            #expect(backend.connectionCount == 0, "backend got \(backend.allBytesReceived.visible)")
        }

        /// `client_max_body_size 10`: a Content-Length of 11 gets 413 and nothing reaches the
        /// upstream; a Content-Length of 10 is proxied.
        @Test func http_bodyTooLarge413() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port, ["client_max_body_size 10;"])
            defer { router.stop(); backend.stop() }

            let refused = try HTTPClient.exchange(port: port, HTTPClient.request("POST", "/app/big", headers: ["Content-Length: 11"],
                                                                                 body: "0123456789A"))
            #expect(refused.status == 413, "\(refused); log:\n\(router.logTail())")
            #expect(backend.connectionCount == 0, "backend got \(backend.allBytesReceived.visible)")

            let accepted = try HTTPClient.exchange(port: port, HTTPClient.request("POST", "/app/fits", headers: ["Content-Length: 10"],
                                                                                  body: "0123456789"))
            #expect(accepted.status == 200, "\(accepted); log:\n\(router.logTail())")
            #expect(try onlyRequest(backend, router).body == Array("0123456789".utf8))
        }

        /// A request line over 8k gets 414; one header line over 8k, 431 (or 400, as the
        /// issue allows); a head over the 4 × 8k buffers in many short lines, 431. None
        /// reaches the upstream.
        @Test func http_oversizedHeads() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let longTarget = "/app/" + String(repeating: "a", count: 9000)
            let longLine = HTTPClient.request("/app/x", headers: ["X-Long: " + String(repeating: "b", count: 9000)])
            let manyLines = HTTPClient.request("/app/x", headers: (0..<40).map { "X-Field-\($0): " + String(repeating: "c", count: 1000) })
            let cases: [(String, String, Set<Int>)] = [
                ("request line over 8k", HTTPClient.request(longTarget), [414]),
                ("header line over 8k", longLine, [431, 400]),
                ("40 KiB of headers", manyLines, [431]),
            ]
            for (name, raw, statuses) in cases {
                let response = try HTTPClient.exchange(port: port, raw, timeout: 3)
                #expect(statuses.contains(response.status), "\(name): \(response.head); log:\n\(router.logTail())")
            }
            #expect(backend.connectionCount == 0, "backend got \(backend.allBytesReceived.count) bytes")
        }

        /// An `internal` location answers 404 to a client request and never proxies it.
        @Test func http_internalLocation404() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port, server: [
                location("/secret/", ["internal;", "proxy_pass http://app;"]),
            ])
            defer { router.stop(); backend.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/secret/key"))
            #expect(response.status == 404, "\(response); log:\n\(router.logTail())")
            #expect(backend.connectionCount == 0)
        }

        /// `location /dir/ { proxy_pass ... }` requested as `/dir` redirects with 301 to
        /// `http://localhost:PORT/dir/`, keeping the query; nothing is proxied.
        @Test func http_missingSlashRedirect301() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port, server: [location("/dir/", ["proxy_pass http://app;"])])
            defer { router.stop(); backend.stop() }

            for (target, location) in [("/dir", "http://localhost:\(port)/dir/"), ("/dir?a=1", "http://localhost:\(port)/dir/?a=1")] {
                let response = try HTTPClient.exchange(port: port, HTTPClient.request(target))
                #expect(response.status == 301, "\(target): \(response); log:\n\(router.logTail())")
                expectField("Location", location, in: response.head, "client for \(target)")
            }
            #expect(backend.connectionCount == 0)
        }

        /// `return 302 /x` answers 302 with an absolute Location on the request's host and
        /// the server's port, as curl sees it.
        @Test(.enabled(if: Curl.isAvailable, "needs \(Curl.path)"))
        func http_returnRedirect302() throws {
            let (router, port) = try startHTTPServer([location("= /old", ["return 302 /x;"])])
            defer { router.stop() }

            let output = try curl("http://127.0.0.1:\(port)/old", router: router)
            #expect(output.code == 302, "\(output)")
            #expect(output.head?.values("Location") == ["http://127.0.0.1:\(port)/x"], "\(output)")
        }
    }
}
