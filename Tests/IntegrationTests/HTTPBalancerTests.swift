import Glibc
import Testing
import TestSupport

extension Integration {
    /// The balancing methods of an http upstream, end to end with several real backends:
    /// stickiness by query argument, by cookie and by client address, and `least_conn` over
    /// long-lived WebSocket connections.
    @Suite struct HTTPBalancerTests {
        /// Three backends that answer with their own name.
        struct Named {
            let backends: [RecordingHTTPBackend]

            init(_ count: Int = 3) throws {
                backends = try (0..<count).map { index in try RecordingHTTPBackend { _ in .response(body: "b\(index)") } }
            }

            func stop() { for backend in backends { backend.stop() } }

            /// `upstream app { <method>; server ...; }`.
            func upstream(_ method: String) -> String {
                "upstream app {\n    \(method)\n" + backends.map { "    server 127.0.0.1:\($0.port);\n" }.joined() + "}"
            }
        }

        static func start(_ named: Named, method: String, _ directives: [String] = []) throws -> HTTPRouter {
            try startHTTPServer(
                [location("/app/", ["proxy_pass http://app/;"] + proxyTimeouts(read: "5s") + directives)],
                preamble: named.upstream(method))
        }

        /// `hash $arg_userId consistent`: each user always reaches the same backend, and the
        /// users spread over the backends.
        @Test func hashByQueryArgumentSticks() throws {
            let named = try Named()
            defer { named.stop() }
            let (router, port) = try Self.start(named, method: "hash $arg_userId consistent;")
            defer { router.stop() }

            var first: [Int: String] = [:]
            for round in 0..<2 {
                for user in 0..<30 {
                    let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/doc?userId=\(user)"))
                    #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
                    if round == 0 {
                        first[user] = response.text
                    } else {
                        #expect(first[user] == response.text, "user \(user) moved")
                    }
                }
            }
            #expect(Set(first.values).count == 3, "\(first)")
        }

        /// `ip_hash`: every request from 127.0.0.1 reaches one backend.
        @Test func ipHashKeepsOneClientOnOneBackend() throws {
            let named = try Named()
            defer { named.stop() }
            let (router, port) = try Self.start(named, method: "ip_hash;")
            defer { router.stop() }

            var seen: Set<String> = []
            for i in 0..<12 {
                seen.insert(try HTTPClient.exchange(port: port, HTTPClient.request("/app/\(i)")).text)
            }
            #expect(seen.count == 1, "\(seen)")
        }

        /// `sticky cookie`: the first answer names its server in a cookie (not by address);
        /// requests carrying it return there; when that server is gone, another answers and
        /// the cookie is set anew.
        @Test func stickyCookieFollowsAndMoves() throws {
            let named = try Named()
            defer { named.stop() }
            let (router, port) = try Self.start(named, method: "sticky cookie srv_id path=/ httponly;")
            defer { router.stop() }

            let first = try HTTPClient.exchange(port: port, HTTPClient.request("/app/a"))
            let setCookie = try #require(first.head.value("set-cookie"), "\(first)")
            #expect(setCookie.hasPrefix("srv_id=") && setCookie.contains("Path=/") && setCookie.contains("HttpOnly"), "\(setCookie)")
            #expect(!named.backends.contains { setCookie.contains(String($0.port)) }, "the cookie shows an address: \(setCookie)")
            let cookie = String(setCookie.split(separator: ";")[0])
            for i in 0..<6 {
                let again = try HTTPClient.exchange(port: port, HTTPClient.request("/app/\(i)", headers: ["Cookie: other=1; \(cookie)"]))
                #expect(again.text == first.text && !again.head.has("set-cookie"), "\(again)")
            }

            let gone = Int(first.text.dropFirst())!
            named.backends[gone].stop()
            let moved = try HTTPClient.exchange(port: port, HTTPClient.request("/app/x", headers: ["Cookie: \(cookie)"]))
            #expect(moved.status == 200 && moved.text != first.text, "\(moved); log:\n\(router.logTail())")
            #expect(moved.head.value("set-cookie")?.hasPrefix("srv_id=") == true && moved.head.value("set-cookie") != setCookie)
        }

        /// WebSocket connections stick the same three ways: by query argument, by cookie, by
        /// client address. Each client reconnects several times and must land where it began.
        @Test(arguments: ["hash $arg_userId consistent;", "hash $cookie_server_id consistent;", "ip_hash;"])
        func webSocketStickiness(method: String) throws {
            let backends = try (0..<3).map { _ in try WebSocketEchoBackend() }
            defer { for backend in backends { backend.stop() } }
            let upstream = "upstream feed {\n    \(method)\n" + backends.map { "    server 127.0.0.1:\($0.port);\n" }.joined() + "}"
            let (router, port) = try startHTTPServer(
                [webSocketFeedLocation()],
                preamble: upstream)
            defer { router.stop() }

            /// Which backend served `target` (each target is used by one connection only).
            func backend(of target: String) -> Int? {
                backends.firstIndex { $0.counters.targets.contains(target) }
            }
            var homes: [Int: Set<Int>] = [:]
            for user in 0..<8 {
                for round in 0..<3 {
                    let target = "/ws/?userId=\(user)&round=\(round)"
                    let client = try WebSocketTestClient(port: port, target: target, headers: ["Cookie: server_id=user\(user)"])
                    try client.echo(Array("u\(user)".utf8), opcode: 1, "user \(user) round \(round)")
                    client.close()
                    if let home = backend(of: target) { homes[user, default: []].insert(home) }
                }
            }
            #expect(homes.count == 8 && homes.values.allSatisfy { $0.count == 1 }, "\(method): \(homes); log:\n\(router.logTail())")
            let used = Set(homes.values.flatMap { $0 })
            // One client address: ip_hash keeps everyone together; the keys spread.
            #expect(method == "ip_hash;" ? used.count == 1 : used.count > 1, "\(method): \(homes)")
        }

        /// `least_conn` with WebSocket connections: upgraded connections count until they
        /// close, so long-lived feeds spread evenly, and a backend whose clients left gets the
        /// next ones.
        @Test func leastConnSpreadsWebSockets() throws {
            let backends = try (0..<3).map { _ in try WebSocketEchoBackend() }
            defer { for backend in backends { backend.stop() } }
            let upstream = "upstream feed {\n    least_conn;\n" + backends.map { "    server 127.0.0.1:\($0.port);\n" }.joined() + "}"
            let (router, port) = try startHTTPServer(
                [webSocketFeedLocation()],
                preamble: upstream)
            defer { router.stop() }

            var clients: [WebSocketTestClient] = []
            defer { for client in clients { client.close() } }
            for i in 0..<9 {
                let client = try WebSocketTestClient(port: port, target: "/ws/\(i)")
                try client.echo(Array("hello \(i)".utf8), opcode: 1, "client \(i)")
                clients.append(client)
            }
            let counts = backends.map { $0.counters.handshakes }
            #expect(counts == [3, 3, 3], "\(counts); log:\n\(router.logTail())")

            // The first backend's three clients leave: the next three go there.
            let firstBackendTargets = Set(backends[0].counters.targets)
            var remaining: [WebSocketTestClient] = []
            for (i, client) in clients.enumerated() {
                if firstBackendTargets.contains("/ws/\(i)") {
                    try client.closeHandshake()
                    client.close()
                } else {
                    remaining.append(client)
                }
            }
            clients = remaining
            _ = backends[0].waitForCounters(timeout: 5) { $0.closes >= 3 }
            usleep(200_000)  // the router sees the tunnels end
            for i in 9..<12 {
                let client = try WebSocketTestClient(port: port, target: "/ws/\(i)")
                try client.echo(Array("again \(i)".utf8), opcode: 1, "client \(i)")
                clients.append(client)
            }
            #expect(backends[0].counters.handshakes == 6, "\(backends.map(\.counters.handshakes))")
        }
    }
}
