import Testing
import TestSupport

extension Integration {
    /// The request head sent upstream is rebuilt: nginx's defaults, hop-by-hop fields removed
    /// both ways, `proxy_set_header` overrides and removals, forwarding headers.
    @Suite struct HTTPHeaderTests {
        static let hopByHopNames = ["Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"]

        /// A request full of hop-by-hop fields (Connection naming X-Secret, Keep-Alive,
        /// Proxy-Connection, TE, Trailer, Upgrade) reaches the upstream as `GET /x?q=1 HTTP/1.0`
        /// with none of them and without X-Secret, one `Host: app` and one `Connection: close`,
        /// and the end-to-end field kept byte for byte.
        @Test func http_hopByHopRemovedUpstream() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/x?q=1", headers: [
                "Connection: keep-alive, X-Secret, Upgrade",
                "X-Secret: do-not-forward",
                "Keep-Alive: timeout=5",
                "Proxy-Connection: keep-alive",
                "TE: trailers",
                "Trailer: X-Checksum",
                "Upgrade: websocket",
                "X-Kept: Yes, Really",
            ], host: "example.test"))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())")

            let request = try onlyRequest(backend, router)
            #expect(request.requestLine == "GET /x?q=1 HTTP/1.0", "\(request)")
            expectAbsent(Self.hopByHopNames.filter { $0 != "Connection" } + ["X-Secret"], in: request.head, "upstream")
            expectField("Host", "app", in: request.head, "upstream")
            expectField("Connection", "close", in: request.head, "upstream")
            expectField("X-Kept", "Yes, Really", in: request.head, "upstream")
            #expect(request.head.bytes.contains(bytes: Array("\r\nX-Kept: Yes, Really\r\n".utf8)), "\(request)")
            #expect(request.body.isEmpty)
        }

        /// An upstream response's hop-by-hop fields (Connection naming X-Up-Secret, Keep-Alive,
        /// Proxy-Connection, Trailer, Upgrade, TE) never reach the client, its end-to-end
        /// fields do, and a keep-alive client gets `Connection: keep-alive` whatever the
        /// upstream said.
        @Test func http_hopByHopRemovedDownstream() throws {
            let backend = try RecordingHTTPBackend { _ in
                .response(headers: [
                    "Connection: close, X-Up-Secret",
                    "X-Up-Secret: s",
                    "Keep-Alive: timeout=5, max=100",
                    "Proxy-Connection: close",
                    "Trailer: X-Checksum",
                    "Upgrade: h2c",
                    "TE: trailers",
                    "X-Up-Kept: yes",
                ], body: "ok")
            }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(HTTPClient.request("/app/r"))
            let response = try #require(try connection.readResponse(), "no response; log:\n\(router.logTail())")
            #expect(response.status == 200, "\(response)")
            #expect(response.text == "ok", "\(response)")
            expectAbsent(Self.hopByHopNames.filter { $0 != "Connection" } + ["X-Up-Secret"], in: response.head, "client")
            expectField("Connection", "keep-alive", in: response.head, "client")
            expectField("X-Up-Kept", "yes", in: response.head, "client")
            expectField("Content-Length", "2", in: response.head, "client")
        }

        /// `proxy_set_header Upgrade $http_upgrade` and `Connection "upgrade"` put the
        /// client's Upgrade back: the upstream sees `Upgrade: websocket` and
        /// `Connection: upgrade`, once each.
        @Test func http_upgradePutBackBySetHeader() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port, [
                "proxy_http_version 1.1;",
                "proxy_set_header Upgrade $http_upgrade;",
                "proxy_set_header Connection \"upgrade\";",
            ])
            defer { router.stop(); backend.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/ws", headers: [
                "Connection: Upgrade", "Upgrade: websocket",
            ]))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
            let request = try onlyRequest(backend, router)
            #expect(request.requestLine == "GET /ws HTTP/1.1", "\(request)")
            expectField("Upgrade", "websocket", in: request.head, "upstream")
            expectField("Connection", "upgrade", in: request.head, "upstream")
        }

        /// Without `proxy_set_header Host`, the upstream gets `Host: $proxy_host`: the upstream
        /// group's name for `proxy_pass http://app`, and `127.0.0.1:PORT` for a literal address
        /// on a port other than 80; the client's Host never goes up.
        @Test func http_hostDefaultIsProxyHost() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPServer([
                location("/app/", ["proxy_pass http://app;"] + proxyTimeouts()),
                location("/literal/", ["proxy_pass http://127.0.0.1:\(backend.port);"] + proxyTimeouts()),
            ], preamble: "upstream app { server 127.0.0.1:\(backend.port); }")
            defer { router.stop(); backend.stop() }

            for path in ["/app/a", "/literal/b"] {
                let response = try HTTPClient.exchange(port: port, HTTPClient.request(path, host: "client.example"))
                #expect(response.status == 200, "\(path): \(response); log:\n\(router.logTail())")
            }
            let requests = try #require(backend.waitForRequests(2), "log:\n\(router.logTail())")
            // Without a URI part in proxy_pass, the URI goes up unchanged.
            #expect(requests.map(\.requestLine) == ["GET /app/a HTTP/1.0", "GET /literal/b HTTP/1.0"], "\(requests)")
            expectField("Host", "app", in: requests[0].head, "upstream (group)")
            expectField("Host", "127.0.0.1:\(backend.port)", in: requests[1].head, "upstream (address)")
        }

        /// `proxy_set_header Host $host` sends the client's host, lower-cased and without its
        /// port; `proxy_set_header X-Drop ""` removes the client's X-Drop; a header set to a
        /// constant replaces the client's own.
        @Test func http_setHeaderOverridesAndRemoves() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port, [
                "proxy_set_header Host $host;",
                "proxy_set_header X-Drop \"\";",
                "proxy_set_header X-Mode fixed;",
            ])
            defer { router.stop(); backend.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/h", headers: [
                "X-Drop: secret", "X-Mode: from-client", "X-Other: stays",
            ], host: "WWW.Example.TEST:8080"))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
            let request = try onlyRequest(backend, router)
            expectField("Host", "www.example.test", in: request.head, "upstream")
            expectAbsent(["X-Drop"], in: request.head, "upstream")
            expectField("X-Mode", "fixed", in: request.head, "upstream")
            expectField("X-Other", "stays", in: request.head, "upstream")
        }

        /// `X-Forwarded-For $proxy_add_x_forwarded_for` appends the client address to the
        /// client's header (`203.0.113.7, 127.0.0.1`), joins several (`a, b, 127.0.0.1`) and
        /// is just `127.0.0.1` without one; `X-Real-IP $remote_addr` is `127.0.0.1`.
        @Test func http_forwardedForAppendsAndRealIP() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPProxy(to: backend.port, [
                "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                "proxy_set_header X-Real-IP $remote_addr;",
            ])
            defer { router.stop(); backend.stop() }

            let cases: [(headers: [String], expected: String)] = [
                (["X-Forwarded-For: 203.0.113.7"], "203.0.113.7, 127.0.0.1"),
                ([], "127.0.0.1"),
                (["X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 198.51.100.2"], "198.51.100.1, 198.51.100.2, 127.0.0.1"),
            ]
            for (index, entry) in cases.enumerated() {
                let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/\(index)", headers: entry.headers + ["X-Real-IP: 6.6.6.6"]))
                #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
            }
            let requests = try #require(backend.waitForRequests(cases.count), "log:\n\(router.logTail())")
            for (request, entry) in zip(requests.sorted { $0.target < $1.target }, cases) {
                expectField("X-Forwarded-For", entry.expected, in: request.head, "upstream for \(entry.headers)")
                expectField("X-Real-IP", "127.0.0.1", in: request.head, "upstream")
            }
        }

        /// curl as the client: its own headers (User-Agent, Accept, a custom one) reach the
        /// upstream, `Host` is replaced by `app`, and the upstream's answer comes back with its
        /// status and headers.
        @Test(.enabled(if: Curl.isAvailable, "needs \(Curl.path)"))
        func http_curlThroughProxy() throws {
            let backend = try RecordingHTTPBackend { request in
                .response(201, reason: "Created", headers: ["X-Backend: recording"], body: "made \(request.target)\n")
            }
            let (router, port) = try startHTTPProxy(to: backend.port, ["proxy_set_header X-Real-IP $remote_addr;"])
            defer { router.stop(); backend.stop() }

            let output = try curl("-H", "X-Custom: 42", "http://127.0.0.1:\(port)/app/thing?x=y", router: router)
            #expect(output.code == 201, "\(output)")
            #expect(output.body == "made /thing?x=y\n", "\(output)")
            #expect(output.head?.value("X-Backend") == "recording", "\(output)")
            #expect(output.head?.value("Server") != nil, "\(output)")
            let request = try onlyRequest(backend, router)
            #expect(request.requestLine == "GET /thing?x=y HTTP/1.0", "\(request)")
            expectField("Host", "app", in: request.head, "upstream")
            expectField("X-Custom", "42", in: request.head, "upstream")
            expectField("X-Real-IP", "127.0.0.1", in: request.head, "upstream")
            #expect(request.head.value("User-Agent")?.hasPrefix("curl/") == true, "\(request)")
        }
    }
}
