import Glibc
import Synchronization
import Testing
import TestSupport

extension Integration {
    /// `keepalive N` in an http upstream: idle upstream connections are kept per worker and
    /// reused, with nginx's idiom (`proxy_http_version 1.1; proxy_set_header Connection "";`).
    @Suite struct HTTPUpstreamKeepaliveTests {
        static let idiom = ["proxy_http_version 1.1;", "proxy_set_header Connection \"\";"]

        /// A router whose `/app/` proxies to `upstream app { server backend; <upstream> }`.
        static func start(_ backend: UInt16, upstream: [String], _ directives: [String] = idiom) throws -> HTTPRouter {
            try startHTTPServer(
                [location("/app/", ["proxy_pass http://app/;"] + proxyTimeouts(read: "5s") + directives)],
                preamble: "upstream app {\n    server 127.0.0.1:\(backend);\n    \(upstream.joined(separator: "\n    "))\n}")
        }

        /// `count` requests, each on a new client connection, each answered 200 with its path.
        static func requests(_ count: Int, port: UInt16, router: SwitchyardProcess,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
            for i in 0..<count {
                let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/\(i)"))
                #expect(response.status == 200 && response.text == "/\(i)", "\(response); log:\n\(router.logTail())",
                        sourceLocation: sourceLocation)
                if response.status != 200 { return }
            }
        }

        @Test func reusesOneConnectionForSequentialRequests() throws {
            let backend = try RecordingHTTPBackend()
            defer { backend.stop() }
            let (router, port) = try Self.start(backend.port, upstream: ["keepalive 16;"])
            defer { router.stop() }

            try Self.requests(50, port: port, router: router)
            #expect(backend.connectionCount == 1, "\(backend.connectionCount) upstream connections")
            // Each request still had its own head, HTTP/1.1, with no Connection field.
            let sent = backend.requests
            #expect(sent.count == 50 && sent.allSatisfy { $0.head.startLine.hasSuffix("HTTP/1.1") && !$0.head.has("connection") })
        }

        /// Without the idiom, nginx's default `Connection: close` goes out and nothing is kept.
        @Test func defaultConnectionCloseKeepsNothing() throws {
            let backend = try RecordingHTTPBackend()
            defer { backend.stop() }
            let (router, port) = try Self.start(backend.port, upstream: ["keepalive 16;"], ["proxy_http_version 1.1;"])
            defer { router.stop() }

            try Self.requests(5, port: port, router: router)
            #expect(backend.connectionCount == 5)
        }

        /// `keepalive_requests 4`: a connection serves four requests, then closes.
        @Test func keepaliveRequestsLimitsReuse() throws {
            let backend = try RecordingHTTPBackend()
            defer { backend.stop() }
            let (router, port) = try Self.start(backend.port, upstream: ["keepalive 16;", "keepalive_requests 4;"])
            defer { router.stop() }

            try Self.requests(12, port: port, router: router)
            #expect(backend.connectionCount == 3)
        }

        /// `keepalive_timeout 300ms`: a connection idle longer than that is closed by the
        /// router, and the next request opens a new one.
        @Test func idleConnectionsTimeOut() throws {
            let backend = try RecordingHTTPBackend()
            defer { backend.stop() }
            let (router, port) = try Self.start(backend.port, upstream: ["keepalive 16;", "keepalive_timeout 300ms;"])
            defer { router.stop() }

            try Self.requests(2, port: port, router: router)
            #expect(backend.connectionCount == 1)
            usleep(700_000)
            try Self.requests(1, port: port, router: router)
            #expect(backend.connectionCount == 2)
        }

        /// An upstream that closes its idle connections (after each answer here, without
        /// saying so): the router notices the close while the connection is idle, or, in
        /// the race, retries the request once on a new connection; the client never sees it.
        @Test func upstreamClosingIdleConnectionsIsInvisible() throws {
            let backend = try RecordingHTTPBackend { request in
                .sendAndClose(RecordingHTTPBackend.response(200, headers: ["Content-Length: \(request.target.utf8.count)"],
                                                            body: Array(request.target.utf8)))
            }
            defer { backend.stop() }
            let (router, port) = try Self.start(backend.port, upstream: ["keepalive 16;"])
            defer { router.stop() }

            // Back to back: some requests meet a connection whose FIN is still on its way.
            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for i in 0..<40 {
                try connection.send(HTTPClient.request("/app/\(i)"))
                let response = try #require(try connection.readResponse(), "no response; log:\n\(router.logTail())")
                #expect(response.status == 200 && response.text == "/\(i)", "\(response); log:\n\(router.logTail())")
            }
            #expect(backend.connectionCount >= 40)
            #expect(!router.log.contains("[error]"), "log:\n\(router.logTail())")
        }

        /// The race made certain: the upstream answers the first request on each connection
        /// and closes the connection when a second one arrives on it. Each such request is
        /// sent again once, on a new connection, and the client gets its answer.
        @Test func requestOnStaleConnectionIsRetriedOnce() throws {
            let backend = try RecordingHTTPBackend { request in
                request.index == 0 ? .response(body: request.target) : .sendAndClose([])
            }
            defer { backend.stop() }
            let (router, port) = try Self.start(backend.port, upstream: ["keepalive 16;"])
            defer { router.stop() }

            try Self.requests(6, port: port, router: router)
            #expect(backend.connectionCount == 6)
            #expect(router.log.contains("retrying on a new connection"), "log:\n\(router.logTail())")
            #expect(!router.log.contains("[error]"), "log:\n\(router.logTail())")
            // A request whose body already went out cannot go again: the client gets a 502.
            let post = try HTTPClient.exchange(port: port, HTTPClient.request("POST", "/app/p", headers: ["Content-Length: 4"], body: "data"))
            #expect(post.status == 502, "\(post); log:\n\(router.logTail())")
        }

        /// Many clients at once through `keepalive 16`: thousands of requests, a few dozen
        /// upstream connections at most (issue 5's check).
        @Test func concurrentClientsShareTheCache() throws {
            let backend = try RecordingHTTPBackend()
            defer { backend.stop() }
            let (router, port) = try Self.start(backend.port, upstream: ["keepalive 16;"])
            defer { router.stop() }

            let clients = 8
            let perClient = 1250
            let failures = Mutex<[String]>([])
            var threads: [TestThread] = []
            for c in 0..<clients {
                threads.append(try TestThread {
                    do {
                        var connection = try HTTPConnection(port: port)
                        defer { connection.close() }
                        for i in 0..<perClient {
                            // Below the client side's keepalive_requests (1000).
                            if i > 0 && i % 250 == 0 {
                                connection.close()
                                connection = try HTTPConnection(port: port)
                            }
                            try connection.send(HTTPClient.request("/app/\(c)-\(i)"))
                            guard let response = try connection.readResponse(), response.status == 200,
                                  response.text == "/\(c)-\(i)" else {
                                failures.withLock { $0.append("client \(c) request \(i)") }
                                return
                            }
                        }
                    } catch {
                        failures.withLock { $0.append("client \(c): \(error)") }
                    }
                })
            }
            for thread in threads { _ = thread.join(timeout: 60) }
            #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }); log:\n\(router.logTail())")
            #expect(backend.requests.count == clients * perClient)
            #expect(backend.connectionCount <= 32, "\(backend.connectionCount) upstream connections")
        }
    }
}
