import Glibc
import Synchronization
import Testing
import TestSupport

extension Integration {
    /// Passive health end to end: `max_fails` failures within `fail_timeout` take a server out
    /// for `fail_timeout`, then a single request probes it; `backup` serves only while every
    /// primary is out and hands back when they return; WebSocket clients of a dead server
    /// reconnect to the survivors.
    @Suite struct HTTPFailoverTests {
        /// A backend that answers `200 NAME`, or `502` while `failing` is set.
        final class Switchable: Sendable {
            final class Flag: Sendable { let value = Atomic<Bool>(false) }
            let flag = Flag()
            let backend: RecordingHTTPBackend

            init(_ name: String) throws {
                let flag = self.flag
                backend = try RecordingHTTPBackend { _ in
                    flag.value.load(ordering: .acquiring) ? .response(502, reason: "Bad Gateway", body: "down") : .response(body: name)
                }
            }

            func fail(_ on: Bool) { flag.value.store(on, ordering: .releasing) }
            var requests: Int { backend.requests.count }
            func stop() { backend.stop() }
        }

        static func get(_ port: UInt16, _ router: SwitchyardProcess, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/x"))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())", sourceLocation: sourceLocation)
            return response.text
        }

        @Test func maxFailsRestsAServerThenOneRequestProbesIt() throws {
            let a = try Switchable("a"), b = try Switchable("b")
            defer { a.stop(); b.stop() }
            let (router, port) = try startHTTPServer(
                [location("/app/", ["proxy_pass http://app;", "proxy_next_upstream error timeout http_502;"]
                    + proxyTimeouts(read: "5s"))],
                preamble: """
                    upstream app {
                        server 127.0.0.1:\(a.backend.port) max_fails=2 fail_timeout=1s;
                        server 127.0.0.1:\(b.backend.port) max_fails=2 fail_timeout=1s;
                    }
                    """)
            defer { router.stop() }

            a.fail(true)
            // Every answer comes from b; a is asked until its second failure, then rests.
            for _ in 0..<12 { #expect(try Self.get(port, router) == "b") }
            #expect(a.requests == 2, "a was asked \(a.requests) times")
            #expect(waitUntil(timeout: 2) { router.log.contains("upstream server temporarily disabled") }, "log:\n\(router.logTail())")

            // After fail_timeout one request probes a; it fails, so a rests again.
            usleep(1_200_000)
            for _ in 0..<8 { #expect(try Self.get(port, router) == "b") }
            #expect(a.requests == 3, "a was asked \(a.requests) times after its rest")

            // Healed: the next probe succeeds and a is back in rotation.
            a.fail(false)
            usleep(1_200_000)
            var answers: [String] = []
            for _ in 0..<8 { answers.append(try Self.get(port, router)) }
            #expect(answers.filter { $0 == "a" }.count >= 3, "\(answers)")
        }

        @Test func backupServesOnlyWhilePrimariesAreOut() throws {
            let a = try Switchable("a"), spare = try Switchable("spare")
            defer { a.stop(); spare.stop() }
            let (router, port) = try startHTTPServer(
                [location("/app/", ["proxy_pass http://app;", "proxy_next_upstream error timeout http_502;"]
                    + proxyTimeouts(read: "5s"))],
                preamble: """
                    upstream app {
                        server 127.0.0.1:\(a.backend.port) max_fails=1 fail_timeout=1s;
                        server 127.0.0.1:\(spare.backend.port) backup;
                    }
                    """)
            defer { router.stop() }

            for _ in 0..<4 { #expect(try Self.get(port, router) == "a") }
            #expect(spare.requests == 0)
            a.fail(true)
            for _ in 0..<4 { #expect(try Self.get(port, router) == "spare") }
            #expect(a.requests == 5, "the primary rests after its failure: \(a.requests)")
            a.fail(false)
            usleep(1_200_000)
            // The probe goes to the primary, which answers: it takes the traffic back.
            for _ in 0..<4 { #expect(try Self.get(port, router) == "a") }
        }

        /// A WebSocket server dies with clients on it: they reconnect, and the router sends
        /// each reconnect to the survivor (the dead one is refused once, then rests).
        @Test func webSocketClientsOfADeadServerReconnectToSurvivors() throws {
            let first = try WebSocketEchoBackend(), second = try WebSocketEchoBackend()
            defer { first.stop(); second.stop() }
            let (router, port) = try startHTTPServer(
                [webSocketFeedLocation(["proxy_connect_timeout 2s;"])],
                preamble: "upstream feed {\n    server 127.0.0.1:\(first.port) max_fails=1 fail_timeout=30s;\n"
                    + "    server 127.0.0.1:\(second.port) max_fails=1 fail_timeout=30s;\n}")
            defer { router.stop() }

            var clients: [WebSocketTestClient] = []
            defer { for client in clients { client.close() } }
            for i in 0..<6 {
                let client = try WebSocketTestClient(port: port, target: "/ws/\(i)")
                try client.echo(Array("hi \(i)".utf8), opcode: 1, "client \(i)")
                clients.append(client)
            }
            #expect(first.counters.handshakes == 3 && second.counters.handshakes == 3)

            first.stop()  // its three tunnels end
            var reconnected = 0
            for (i, client) in clients.enumerated() {
                do {
                    try client.echo(Array("still \(i)".utf8), opcode: 1, "client \(i)")
                } catch {
                    client.close()
                    let again = try WebSocketTestClient(port: port, target: "/ws/\(i)")
                    try again.echo(Array("back \(i)".utf8), opcode: 1, "client \(i) reconnected")
                    clients[i] = again
                    reconnected += 1
                }
            }
            #expect(reconnected == 3, "log:\n\(router.logTail())")
            #expect(second.counters.handshakes == 6)
        }
    }
}
