import Glibc
import Testing
import TestSupport

extension Integration {
    /// `ssl_preread on;` with a stream `map` and `proxy_pass $var;`: the ClientHello is read
    /// without being consumed, its SNI / ALPN / version choose the upstream, and the backend
    /// receives the hello byte for byte (no TLS termination).
    @Suite struct StreamPrereadTests {
        /// A backend that names itself (`tag` and a newline) as soon as a client connects, then
        /// echoes what it receives.
        static func taggedEcho(_ tag: String) throws -> ThreadedServer {
            try ThreadedServer { fd in
                try? TCP.sendAll(fd, tag + "\n", deadline: Deadline(seconds: 5))
                var buffer = [UInt8](repeating: 0, count: 65536)
                let deadline = Deadline(seconds: 10)
                for _ in 0..<10_000 {
                    let n = (try? buffer.withUnsafeMutableBytes { try TCP.receiveSome(fd, into: $0, deadline: deadline) }) ?? 0
                    if n <= 0 { return }
                    guard (try? TCP.sendAll(fd, Array(buffer[0..<n]), deadline: deadline)) != nil else { return }
                }
            }
        }

        struct Backends {
            let alpha: ThreadedServer
            let beta: ThreadedServer
            let fallback: ThreadedServer

            init() throws {
                alpha = try taggedEcho("alpha")
                beta = try taggedEcho("beta")
                fallback = try taggedEcho("fallback")
            }

            func stop() {
                alpha.stop()
                beta.stop()
                fallback.stop()
            }

            /// `upstream alpha/beta/fallback` blocks and a map from `source` choosing among
            /// them (`entries` are extra map lines).
            func preamble(source: String, _ entries: [String]) -> String {
                """
                upstream alpha { server 127.0.0.1:\(alpha.port); }
                upstream beta { server 127.0.0.1:\(beta.port); }
                upstream fallback { server 127.0.0.1:\(fallback.port); }
                map \(source) $route {
                    \(entries.joined(separator: "\n    "))
                    default fallback;
                }
                """
            }
        }

        /// Sends `pieces` one after another (`pause` seconds apart), then expects the backend
        /// named `tag` to answer with its name and every byte sent.
        static func expectRoute(port: UInt16, _ pieces: [[UInt8]], to tag: String, pause: Double = 0,
                                router: SwitchyardProcess, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            for (index, piece) in pieces.enumerated() {
                if index > 0 && pause > 0 { usleep(UInt32(pause * 1_000_000)) }
                try TCP.sendAll(fd, piece, deadline: Deadline(seconds: 5))
            }
            let sent = pieces.flatMap { $0 }
            let expected = Array((tag + "\n").utf8) + sent
            let got = try TCP.receiveExactly(fd, count: expected.count, deadline: Deadline(seconds: 5))
            #expect(got == expected, "wanted \(tag), got \(String(decoding: got.prefix(16), as: UTF8.self).debugDescription); log:\n\(router.logTail())",
                    sourceLocation: sourceLocation)
        }

        @Test func sniChoosesTheUpstream() throws {
            let backends = try Backends()
            defer { backends.stop() }
            let (router, port) = try startStreamServer(
                ["ssl_preread on;", "proxy_pass $route;"],
                preamble: backends.preamble(
                    source: "$ssl_preread_server_name", ["alpha.test alpha;", "beta.test beta;"]))
            defer { router.stop() }

            try Self.expectRoute(port: port, [TLSHello(serverName: "alpha.test").record], to: "alpha", router: router)
            try Self.expectRoute(port: port, [TLSHello(serverName: "beta.test").record], to: "beta", router: router)
            // SNI compares ignoring case, as host names do.
            try Self.expectRoute(port: port, [TLSHello(serverName: "BETA.test").record], to: "beta", router: router)
            // No SNI, or not TLS at all: the variables are empty, the map's default decides.
            try Self.expectRoute(port: port, [TLSHello(serverName: nil).record], to: "fallback", router: router)
            try Self.expectRoute(port: port, [Array("SSH-2.0-OpenSSH_9.6\r\n".utf8)], to: "fallback", router: router)
        }

        /// A post-quantum hello (> 1,500 bytes) arriving byte-split over several sends is
        /// still read whole before the upstream is chosen.
        @Test func largeHelloAcrossSegments() throws {
            let backends = try Backends()
            defer { backends.stop() }
            let (router, port) = try startStreamServer(
                ["ssl_preread on;", "proxy_pass $route;"],
                preamble: backends.preamble(source: "$ssl_preread_server_name", ["beta.test beta;"]))
            defer { router.stop() }

            // X25519MLKEM768 and x25519 shares with a browser's other extensions come to about 1,800 bytes.
            let hello = TLSHello(serverName: "beta.test", alpn: ["h2", "http/1.1"], keyShareSize: 1700).record
            #expect(hello.count > 1500)
            let cuts = [3, 9, 700, 1400, 1600, hello.count]
            var pieces: [[UInt8]] = []
            var start = 0
            for cut in cuts {
                pieces.append(Array(hello[start..<cut]))
                start = cut
            }
            try Self.expectRoute(port: port, pieces, to: "beta", pause: 0.05, router: router)
        }

        @Test func alpnAndVersionChooseTheUpstream() throws {
            let backends = try Backends()
            defer { backends.stop() }
            let (router, port) = try startStreamServer(
                ["ssl_preread on;", "proxy_pass $route;"],
                preamble: backends.preamble(
                    source: "\"$ssl_preread_protocol/$ssl_preread_alpn_protocols\"",
                    ["TLSv1.3/h2,http/1.1 alpha;", "~^TLSv1\\.2/ beta;"]))
            defer { router.stop() }

            try Self.expectRoute(port: port, [TLSHello(serverName: "x.test", alpn: ["h2", "http/1.1"]).record],
                                 to: "alpha", router: router)
            var old = TLSHello(serverName: "x.test", alpn: ["http/1.1"])
            old.versions = []
            try Self.expectRoute(port: port, [old.record], to: "beta", router: router)
            try Self.expectRoute(port: port, [TLSHello(serverName: "x.test", alpn: ["h3"]).record],
                                 to: "fallback", router: router)
        }

        /// A map value may be an address rather than an upstream name; a value that is
        /// neither closes the connection with an error that names it.
        @Test func variableAddressAndUnknownName() throws {
            let backends = try Backends()
            defer { backends.stop() }
            let (router, port) = try startStreamServer(
                ["ssl_preread on;", "proxy_pass $route;"],
                preamble: backends.preamble(
                    source: "$ssl_preread_server_name",
                    ["direct.test 127.0.0.1:\(backends.beta.port);", "nowhere.test no_such_group;"]))
            defer { router.stop() }

            try Self.expectRoute(port: port, [TLSHello(serverName: "direct.test").record], to: "beta", router: router)

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try TCP.sendAll(fd, TLSHello(serverName: "nowhere.test").record, deadline: Deadline(seconds: 5))
            let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: 5))
            #expect(end.bytes == 0 && end.end != .timedOut, "\(end)")
            #expect(waitUntil(timeout: 5) { router.log.contains("\"no_such_group\" from \"$route\" is neither an upstream nor an IP:port") },
                    "log:\n\(router.logTail())")
        }

        /// A hello larger than `preread_buffer_size` closes the connection, as nginx's
        /// "preread buffer full" does; nothing reaches an upstream.
        @Test func helloLargerThanBufferIsRefused() throws {
            let backends = try Backends()
            defer { backends.stop() }
            let (router, port) = try startStreamServer(
                ["ssl_preread on;", "preread_buffer_size 512;", "proxy_pass $route;"],
                preamble: backends.preamble(source: "$ssl_preread_server_name", ["beta.test beta;"]))
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try? TCP.sendAll(fd, TLSHello(serverName: "beta.test", keyShareSize: 1216).record, deadline: Deadline(seconds: 5))
            let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: 5))
            #expect(end.bytes == 0 && end.end != .timedOut, "\(end)")
            #expect(waitUntil(timeout: 5) { router.log.contains("preread buffer full") }, "log:\n\(router.logTail())")
            #expect(backends.beta.acceptedCount == 0 && backends.fallback.acceptedCount == 0)
        }

        /// A client silent for `preread_timeout` is routed with empty variables (to the map's
        /// default), so a server-speaks-first protocol still works behind an SNI router.
        @Test func silentClientGoesToDefaultAfterTimeout() throws {
            let backends = try Backends()
            defer { backends.stop() }
            let (router, port) = try startStreamServer(
                ["ssl_preread on;", "preread_timeout 300ms;", "proxy_pass $route;"],
                preamble: backends.preamble(source: "$ssl_preread_server_name", ["beta.test beta;"]))
            defer { router.stop() }

            let started = MonotonicTime.now()
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let got = try TCP.receiveExactly(fd, count: "fallback\n".utf8.count, deadline: Deadline(seconds: 5))
            let elapsed = MonotonicTime.now() - started
            #expect(String(decoding: got, as: UTF8.self) == "fallback\n", "log:\n\(router.logTail())")
            #expect(elapsed >= 0.25 && elapsed < 3, "routed after \(elapsed) s")
        }

        /// On a hybrid port, HTTP still goes to the http server while TLS is routed by SNI.
        @Test func hybridPortReadsHelloAfterClassifying() throws {
            let backends = try Backends()
            defer { backends.stop() }
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(config: { directory in
                httpConfig(directory, """
                    server { listen 127.0.0.1:\(port); location / { return 200 "http here\\n"; } }
                    }
                    stream {
                    \(backends.preamble(source: "$ssl_preread_server_name", ["alpha.test alpha;"]))
                    server { listen 127.0.0.1:\(port); ssl_preread on; proxy_pass $route; }
                    """)
            }, waitForPorts: [port])
            defer { router.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/"))
            #expect(response.status == 200 && response.text == "http here\n", "\(response)")
            let hello = TLSHello(serverName: "alpha.test").record
            try Self.expectRoute(port: port, [Array(hello[0..<4]), Array(hello[4...])], to: "alpha", pause: 0.05,
                                 router: router)
            try Self.expectRoute(port: port, [Array("\u{1}\u{2}binary".utf8)], to: "fallback", router: router)
        }
    }
}
