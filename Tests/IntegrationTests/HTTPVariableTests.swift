import Testing
import TestSupport

extension Integration {
    /// `map` and request variables end to end: the nginx WebSocket idiom, a regex map read by
    /// `add_header` and `return`, and `return` echoing request variables.
    @Suite struct HTTPVariableTests {
        /// The nginx WebSocket idiom, `map $http_upgrade $connection_upgrade { default
        /// upgrade; '' close; }` with `proxy_set_header Connection $connection_upgrade` and
        /// `Upgrade $http_upgrade`: a plain request goes up with `Connection: close` and no
        /// Upgrade; one with `Upgrade: websocket` goes up with `Connection: upgrade` and
        /// `Upgrade: websocket`.
        @Test func http_mapConnectionUpgrade() throws {
            let backend = try RecordingHTTPBackend()
            let (router, port) = try startHTTPServer([
                location("/app/", ["proxy_pass http://app/;"] + proxyTimeouts() + [
                    "proxy_http_version 1.1;",
                    "proxy_set_header Upgrade $http_upgrade;",
                    "proxy_set_header Connection $connection_upgrade;",
                ]),
            ], preamble: """
                map $http_upgrade $connection_upgrade {
                    default upgrade;
                    ''      close;
                }
                upstream app { server 127.0.0.1:\(backend.port); }
                """)
            defer { router.stop(); backend.stop() }

            let plain = try HTTPClient.exchange(port: port, HTTPClient.request("/app/plain"))
            #expect(plain.status == 200, "\(plain); log:\n\(router.logTail())")
            let upgrade = try HTTPClient.exchange(port: port, HTTPClient.request("/app/ws", headers: [
                "Connection: Upgrade", "Upgrade: websocket",
            ]))
            #expect(upgrade.status == 200, "\(upgrade); log:\n\(router.logTail())")

            let requests = try #require(backend.waitForRequests(2), "log:\n\(router.logTail())")
            let byTarget = Dictionary(requests.map { ($0.target, $0) }, uniquingKeysWith: { first, _ in first })
            let plainUp = try #require(byTarget["/plain"], "\(requests)")
            #expect(plainUp.requestLine == "GET /plain HTTP/1.1", "\(plainUp)")
            expectField("Connection", "close", in: plainUp.head, "upstream for a plain request")
            expectAbsent(["Upgrade"], in: plainUp.head, "upstream for a plain request")
            let wsUp = try #require(byTarget["/ws"], "\(requests)")
            #expect(wsUp.requestLine == "GET /ws HTTP/1.1", "\(wsUp)")
            expectField("Connection", "upgrade", in: wsUp.head, "upstream for an upgrade")
            expectField("Upgrade", "websocket", in: wsUp.head, "upstream for an upgrade")
        }

        /// `map $arg_user $bucket { ~^a a-bucket; default other; }` read by
        /// `add_header X-Bucket $bucket` and `return 200 "$bucket"`: `user=alice` is in
        /// `a-bucket`; `user=bob`, `user=Alice` (`~` is case-sensitive) and no argument are
        /// `other`.
        @Test func http_mapRegexToHeaderAndReturn() throws {
            let (router, port) = try startHTTPServer([
                location("= /bucket", ["add_header X-Bucket $bucket;", "return 200 \"$bucket\";"]),
            ], preamble: """
                map $arg_user $bucket {
                    ~^a     a-bucket;
                    default other;
                }
                """)
            defer { router.stop() }

            let cases = [("/bucket?user=alice", "a-bucket"), ("/bucket?user=bob", "other"),
                         ("/bucket?user=Alice", "other"), ("/bucket?x=1&user=ann", "a-bucket"), ("/bucket", "other")]
            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for (target, bucket) in cases {
                try connection.send(HTTPClient.request(target))
                let response = try #require(try connection.readResponse(), "\(target): no response; log:\n\(router.logTail())")
                #expect(response.status == 200, "\(target): \(response); log:\n\(router.logTail())")
                #expect(response.text == bucket, "\(target): \(response)")
                expectField("X-Bucket", bucket, in: response.head, "client for \(target)")
            }
        }

        /// `return 200 "$request_method $uri $args $host"` echoes the method, the normalized
        /// and decoded `$uri`, the raw query, and the host lower-cased without its port (the
        /// server's name when the request has no Host).
        @Test func http_returnEchoesVariables() throws {
            let (router, port) = try startHTTPServer([
                location("/echo/", ["return 200 \"$request_method $uri $args $host\";"]),
            ])
            defer { router.stop() }

            let cases: [(request: String, expected: String)] = [
                (HTTPClient.request("/echo/a%20b/./c?x=1&y=%41", host: "Example.TEST:8080"), "GET /echo/a b/c x=1&y=%41 example.test"),
                (HTTPClient.request("DELETE", "/echo//z", host: "h.test"), "DELETE /echo/z  h.test"),
                ("GET /echo/old?v HTTP/1.0\r\n\r\n", "GET /echo/old v localhost"),
            ]
            for (request, expected) in cases {
                let response = try HTTPClient.exchange(port: port, request)
                #expect(response.status == 200, "\(request.debugDescription): \(response); log:\n\(router.logTail())")
                #expect(response.text == expected, "\(request.debugDescription): \(response)")
            }
        }
    }
}
