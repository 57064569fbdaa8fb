import Glibc
import Synchronization
import Testing
import TestSupport

// Issue 4's end-to-end check: one hybrid port carrying, all at once, WebSocket sessions
// through the http server (the nginx upgrade idiom, spliced after the 101), plain HTTP with
// keep-alive, raw TCP streams to an echo, and TLS routed by SNI (`ssl_preread` and a stream
// `map`) to two TLS backends that terminate it themselves; then every backend's counters
// show that nothing reached the wrong one.

/// The backends of the mixed test and the port they share.
private struct MixedPorts {
    let hybrid: UInt16
    let http: UInt16
    let webSocket: UInt16
    let echo: UInt16
    let alpha: UInt16
    let beta: UInt16
}

/// The config: `http` with the upgrade idiom's `map`, `location /app/` to the recording
/// backend and `location /ws/` to the WebSocket backend; `stream` with `ssl_preread` and a
/// `map` from the SNI to the upstream (alpha.test, beta.test, else the TCP echo) and
/// `proxy_half_close on` (the TCP clients half-close and then read the rest of the echo);
/// both `listen` the same address.
private func mixedConfig(_ directory: TempDirectory, _ ports: MixedPorts) -> String {
    """
    worker_processes 2;
    error_log stderr info;
    pid \(directory.file("switchyard.pid"));

    events {
        worker_connections 1024;
    }

    http {
        map $http_upgrade $connection_upgrade {
            default upgrade;
            ''      close;
        }
        upstream app { server 127.0.0.1:\(ports.http); }
        upstream ws_echo { server 127.0.0.1:\(ports.webSocket); }
        server {
            listen 127.0.0.1:\(ports.hybrid);
            server_name localhost;
            location /app/ {
                proxy_pass http://app/;
                proxy_connect_timeout 500ms;
                proxy_read_timeout 10s;
            }
            location /ws/ {
                proxy_pass http://ws_echo;
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection $connection_upgrade;
                proxy_connect_timeout 500ms;
                proxy_read_timeout 20s;
            }
        }
    }

    stream {
        map $ssl_preread_server_name $tls_upstream {
            alpha.test  tls_alpha;
            beta.test   tls_beta;
            default     tcp_echo;
        }
        upstream tls_alpha { server 127.0.0.1:\(ports.alpha); }
        upstream tls_beta  { server 127.0.0.1:\(ports.beta); }
        upstream tcp_echo  { server 127.0.0.1:\(ports.echo); }
        server {
            listen 127.0.0.1:\(ports.hybrid);
            ssl_preread on;
            proxy_pass $tls_upstream;
            proxy_half_close on;
            proxy_connect_timeout 500ms;
        }
    }

    """
}

/// `seconds` to the hundredth, for messages.
private func rounded(_ seconds: Double) -> Double { (seconds * 100).rounded() / 100 }

/// What the client threads report: one sentence per failure, and how long each kind of
/// client took (the slowest of each kind).
private final class Outcomes: Sendable {
    let failures = Mutex<[String]>([])
    let seconds = Mutex<[String: Double]>([:])
    /// Set once every thread is started, so that all kinds of traffic begin together.
    let go = Atomic<Bool>(false)
    /// Set (before `go`) when the test leaves early: the threads then return without work.
    let cancelled = Atomic<Bool>(false)

    func fail(_ text: String) { failures.withLock { $0.append(text) } }

    func took(_ kind: String, _ elapsed: Double) {
        seconds.withLock { $0[kind] = max($0[kind] ?? 0, elapsed) }
    }

    /// Runs `body` on a new thread once `go` is set (waiting at most 10 s), unless cancelled,
    /// recording a thrown error as a failure of `name` and the time it took under `kind`.
    func thread(_ kind: String, _ name: String, _ body: @escaping @Sendable () throws -> Void) throws -> TestThread {
        try TestThread { [self] in
            guard waitUntil(timeout: 10, interval: 0.001, { go.load(ordering: .acquiring) }) else {
                return fail("\(name): never started")
            }
            if cancelled.load(ordering: .acquiring) { return }
            let start = MonotonicTime.now()
            do {
                try body()
            } catch {
                fail("\(name): \(error)")
            }
            took(kind, MonotonicTime.now() - start)
        }
    }
}

extension Integration {
    /// Everything at once on one hybrid port, and nothing crosses routes.
    @Suite struct MixedHybridPortTests {
        static let webSocketClients = 100
        /// How many of them also send a 16 MiB message (even: one frame; odd: 4 fragments).
        static let largeMessageClients = 4
        static let largeMessage = 16 * MiB
        static let httpConnections = 4
        static let requestsPerConnection = 6
        static let tcpStreams = 8
        static let tcpBytes = 4 * MiB
        /// Rounds of one request to each TLS backend.
        static let tlsRounds = 3

        /// What every WebSocket client exchanges, in order; each echo is checked byte for
        /// byte and must come back as one unmasked frame with the message's opcode:
        /// 1. a text message in one frame;
        /// 2. a 200,000-byte binary message in 2 fragments (64-bit lengths), with a ping
        ///    between the fragments whose pong (same payload) must come before the echo;
        /// 3. a ping alone, answered by a pong with its payload;
        /// 4. a 1,000-byte binary message (a 16-bit length);
        /// 5. a text message in 3 fragments (continuation frames);
        /// 6. for the first `largeMessageClients`: a 16 MiB binary message, in one frame or
        ///    in 4 fragments;
        /// 7. the close handshake with code 4000 + index: the server's close carries the same
        ///    code, then the server ends the connection.
        static func webSocketSession(index: Int, port: UInt16) throws {
            let client = try WebSocketTestClient(port: port, target: "/ws/echo?client=\(index)", timeout: 15)
            defer { client.close() }
            let seed = UInt64(index) + 1
            try client.echo(Array("hello from WebSocket client \(index)".utf8), opcode: WebSocketWire.text, "text")
            try client.echo(WebSocketWire.pattern(200_000, seed: seed), opcode: WebSocketWire.binary, pieces: 2,
                            between: (WebSocketWire.ping, Array("between fragments \(index)".utf8)), "fragmented binary")
            try client.ping(Array("ping \(index)".utf8))
            try client.echo(WebSocketWire.pattern(1000, seed: seed << 8), opcode: WebSocketWire.binary, "1000-byte binary")
            try client.echo(Array("fragmented text message from client \(index)".utf8), opcode: WebSocketWire.text, pieces: 3,
                            "fragmented text")
            if index < largeMessageClients {
                try client.echo(WebSocketWire.pattern(largeMessage, seed: seed << 16), opcode: WebSocketWire.binary,
                                pieces: index % 2 == 0 ? 1 : 4, "16 MiB message")
            }
            try client.closeHandshake(code: UInt16(4000 + index), reason: "bye from \(index)")
        }

        /// Requests `/app/keepalive/<connection>/<n>` one after another on one connection;
        /// each answer must be the backend's 200 with the rewritten target as its body, and
        /// must keep the connection open.
        static func httpSession(connection index: Int, port: UInt16) throws {
            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for request in 0..<requestsPerConnection {
                try connection.send(HTTPClient.request("/app/keepalive/\(index)/\(request)"), timeout: 10)
                guard let response = try connection.readResponse(timeout: 10) else {
                    throw HarnessError("request \(request): the connection ended (\(connection.reader.endDescription))")
                }
                let expected = "/keepalive/\(index)/\(request)"
                guard response.status == 200, response.complete, response.text == expected else {
                    throw HarnessError("request \(request): wanted 200 with \(expected.debugDescription), got \(response)")
                }
                guard !response.head.values("Connection").contains(where: { $0.lowercased() == "close" }) else {
                    throw HarnessError("request \(request) closed the connection: \(response)")
                }
            }
        }

        /// The first bytes every raw TCP stream sends: binary, neither HTTP nor TLS.
        static func tcpGreeting(_ index: Int) -> [UInt8] { [0x00, 0xFF, 0x7F, 0x01, 0x80, UInt8(index)] }

        /// A binary greeting that must echo back, then `tcpBytes` pattern bytes echoed while
        /// sending, then the half-close and EOF; digests compared.
        static func tcpSession(index: Int, port: UInt16) throws {
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let greeting = tcpGreeting(index)
            try TCP.sendAll(fd, greeting, deadline: Deadline(seconds: 10))
            let back = try TCP.receiveExactly(fd, count: greeting.count, deadline: Deadline(seconds: 10))
            guard back == greeting else { throw HarnessError("greeting came back as \(back)") }
            let seed = 0x4D49_5845 << 16 | UInt64(index + 1) << 4
            let result = try EchoExchange.roundTrip(fd, total: tcpBytes, seed: seed, deadline: Deadline(seconds: 20))
            let expected = Transfer.patternDigest(total: tcpBytes, seed: seed)
            guard result.sent == expected, result.received == expected else {
                throw HarnessError("sent \(result.sent), got back \(result.received), wanted \(expected)")
            }
        }

        /// `curl https://<name>:<port>/id.txt`, resolving the name to 127.0.0.1 so that the
        /// ClientHello carries it as SNI: the backend's certificate must be the one for that
        /// name (the router does not terminate TLS) and the body its `id.txt`.
        static func tlsRequest(_ backend: OpenSSLServer, port: UInt16) throws {
            let name = backend.serverName
            let output = try Curl.run(["-k", "-v", "--http1.1", "--resolve", "\(name):\(port):127.0.0.1",
                                       "https://\(name):\(port)/id.txt"], timeout: 10)
            guard output.status == .exited(0) else { throw HarnessError("curl for \(name): \(output)") }
            guard output.code == 200, output.body == backend.identity + "\n" else {
                throw HarnessError("\(name) reached the wrong backend or failed: \(output)")
            }
            guard output.stderr.contains("subject: CN=\(name)") else {
                throw HarnessError("\(name): the certificate was not \(name)'s: \(output.stderr)")
            }
        }

        /// The harness's own RFC 6455 pieces against the RFC's examples, so that the backend
        /// and the clients cannot agree on a mistake: the accept value of §1.3, and §5.7's
        /// "Hello" masked with 37 fa 21 3d, read back through a socket pair.
        @Test func mixed_harnessMatchesRFC6455Examples() throws {
            #expect(WebSocketWire.accept(key: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            let mask: UInt32 = 0x37FA_213D
            let frame = WebSocketWire.head(fin: true, opcode: WebSocketWire.text, length: 5, mask: mask)
                + WebSocketWire.masked(Array("Hello".utf8), mask: mask)
            #expect(frame == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
            #expect(WebSocketWire.head(fin: false, opcode: WebSocketWire.binary, length: 256, mask: nil) == [0x02, 0x7E, 0x01, 0x00])
            #expect(WebSocketWire.head(fin: true, opcode: WebSocketWire.binary, length: 65536, mask: nil)
                        == [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])

            var pair: [Int32] = [0, 0]
            try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
            defer { TCP.close(pair[0]); TCP.close(pair[1]) }
            TCP.setIOTimeouts(pair[0], seconds: TCP.ioSlice)
            TCP.setIOTimeouts(pair[1], seconds: TCP.ioSlice)
            let writer = FrameSocket(fd: pair[0]), reader = FrameSocket(fd: pair[1])
            try TCP.sendAll(pair[0], frame, deadline: Deadline(seconds: 5))
            let hello = try reader.readFrame(deadline: Deadline(seconds: 5))
            #expect(hello.fin && hello.opcode == WebSocketWire.text && hello.masked && hello.payload == Array("Hello".utf8), "\(hello)")
            // An odd length, so that the word-at-a-time masking has a tail.
            let payload = WebSocketWire.pattern(70_001, seed: 5)
            let key = WebSocketWire.maskBytes(0x0102_0304)
            #expect(WebSocketWire.masked(payload, mask: 0x0102_0304) == payload.enumerated().map { $0.element ^ key[$0.offset % 4] })
            var unaligned = payload  // masked from its second byte: the unaligned path
            unaligned.withUnsafeMutableBytes { WebSocketWire.applyMask(UnsafeMutableRawBufferPointer(rebasing: $0[1...]), key: key) }
            #expect(Array(unaligned.dropFirst()) == payload.dropFirst().enumerated().map { $0.element ^ key[$0.offset % 4] })
            try writer.sendFrame(opcode: WebSocketWire.binary, payload: payload, mask: 0x0102_0304, deadline: Deadline(seconds: 5))
            let big = try reader.readFrame(deadline: Deadline(seconds: 5))
            #expect(big.fin && big.masked && WebSocketWire.same(big.payload, payload), "\(big)")
        }

        /// On one port, concurrently: 100 WebSocket clients (`webSocketSession`), 4 keep-alive
        /// HTTP connections of 6 requests, 8 raw TCP streams of 4 MiB, and 6 TLS requests
        /// routed by SNI to two `openssl s_server` backends. Then: every client succeeded;
        /// the WebSocket backend saw exactly the 100 handshakes, their messages, pings and
        /// close handshakes and nothing else; the HTTP backend exactly the 24 requests; the
        /// echo exactly the 8 streams' bytes; each TLS backend exactly its own requests and no
        /// refused handshake; and the router moved the tunnels' bytes with splice, copying
        /// only HTTP.
        @Test(.enabled(if: OpenSSL.isAvailable && Curl.isAvailable, "needs /usr/bin/openssl and /usr/bin/curl"))
        func mixed_everythingAtOnceOnOnePort() throws {
            TCP.raiseOpenFileLimit()
            let started = MonotonicTime.now()
            let alpha = try OpenSSLServer(serverName: "alpha.test", identity: "alpha")
            defer { alpha.stop() }
            let beta = try OpenSSLServer(serverName: "beta.test", identity: "beta")
            defer { beta.stop() }
            let httpBackend = try RecordingHTTPBackend(timeout: 60)
            defer { httpBackend.stop() }
            let webSocketBackend = try WebSocketEchoBackend(timeout: 60)
            defer { webSocketBackend.stop() }
            let echo = try EchoServer()
            defer { echo.stop() }
            let ports = MixedPorts(hybrid: try TCP.freePort(), http: httpBackend.port, webSocket: webSocketBackend.port,
                                   echo: echo.port, alpha: alpha.port, beta: beta.port)
            let router = try SwitchyardProcess(config: { mixedConfig($0, ports) }, waitForPorts: [ports.hybrid])
            defer { router.stop() }
            let port = ports.hybrid

            let outcomes = Outcomes()
            var threads: [TestThread] = []
            defer {
                // On an early exit (a thread could not start), the others return at once.
                outcomes.cancelled.store(true, ordering: .releasing)
                outcomes.go.store(true, ordering: .releasing)
                for thread in threads { thread.join(timeout: 5) }
            }
            for index in 0..<Self.webSocketClients {
                threads.append(try outcomes.thread("websocket", "WebSocket client \(index)") {
                    try Self.webSocketSession(index: index, port: port)
                })
            }
            for index in 0..<Self.httpConnections {
                threads.append(try outcomes.thread("http", "HTTP connection \(index)") {
                    try Self.httpSession(connection: index, port: port)
                })
            }
            for index in 0..<Self.tcpStreams {
                threads.append(try outcomes.thread("tcp", "TCP stream \(index)") { try Self.tcpSession(index: index, port: port) })
            }
            threads.append(try outcomes.thread("tls", "TLS") {
                for round in 0..<Self.tlsRounds {
                    for backend in [alpha, beta] {
                        do {
                            try Self.tlsRequest(backend, port: port)
                        } catch {
                            throw HarnessError("round \(round): \(error)")
                        }
                    }
                }
            })
            let load = MonotonicTime.now()
            outcomes.go.store(true, ordering: .releasing)
            let deadline = Deadline(seconds: 25)
            let stuck = threads.filter { !$0.join(timeout: deadline.remaining) }.count
            let loadSeconds = MonotonicTime.now() - load
            threads = []

            let failures = outcomes.failures.withLock { $0 }
            #expect(stuck == 0, "\(stuck) client threads still running after 25 s; log:\n\(router.logTail())")
            #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(10).joined(separator: "\n")); log:\n\(router.logTail())")

            // WebSocket: 100 handshakes, each client's messages, pings and close, nothing refused.
            let clients = Self.webSocketClients, large = Self.largeMessageClients
            let ws = webSocketBackend.waitForCounters(timeout: 5) { $0.closes + $0.abrupt >= clients }
            #expect(ws.connections == clients && ws.handshakes == clients && ws.refused == 0, "WebSocket backend: \(ws)")
            #expect(ws.messages == 4 * clients + large && ws.fragmentedMessages == 2 * clients + large / 2, "WebSocket backend: \(ws)")
            #expect(ws.messageBytes == clients * 201_000 + large * Self.largeMessage
                        + (0..<clients).reduce(0) { $0 + "hello from WebSocket client \($1)".utf8.count
                            + "fragmented text message from client \($1)".utf8.count },
                    "WebSocket backend: \(ws)")
            #expect(ws.pings == 2 * clients && ws.closes == clients && ws.abrupt == 0 && ws.errors.isEmpty, "WebSocket backend: \(ws)")
            #expect(ws.targets.allSatisfy { $0.hasPrefix("/ws/echo?client=") }, "WebSocket backend targets: \(ws.targets)")

            // HTTP: exactly the requests sent, nothing upgraded, no other bytes.
            let requests = httpBackend.requests
            let wanted = Set((0..<Self.httpConnections).flatMap { c in (0..<Self.requestsPerConnection).map { "/keepalive/\(c)/\($0)" } })
            #expect(requests.count == wanted.count && Set(requests.map(\.target)) == wanted, "HTTP backend: \(requests.map(\.target))")
            #expect(requests.allSatisfy { $0.method == "GET" && !$0.head.has("Upgrade") && !$0.head.has("Sec-WebSocket-Key") },
                    "HTTP backend: \(requests)")
            #expect(httpBackend.allBytesReceived.count == requests.reduce(0) { $0 + $1.bytes.count },
                    "HTTP backend got bytes outside its requests: \(httpBackend.allBytesReceived.visible)")

            // TCP: exactly the streams' bytes, all ended cleanly.
            let streams = Self.tcpStreams
            _ = echo.waitForClosed(streams, timeout: 5)
            let echoed = echo.counters
            let streamBytes = (0..<streams).reduce(0) { $0 + Self.tcpGreeting($1).count + Self.tcpBytes }
            #expect(echoed.accepted == streams && echoed.closed == streams && echoed.failed == 0 && echoed.bytesEchoed == streamBytes,
                    "echo: \(echoed), wanted \(streams) connections and \(streamBytes) bytes")

            // TLS: each backend served its own file, every time, and refused no handshake.
            for backend in [alpha, beta] {
                #expect(backend.filesServed == Self.tlsRounds && backend.errorLines.isEmpty,
                        "\(backend.serverName): served \(backend.filesServed) files; log:\n\(backend.log)")
            }

            // The router: a clean stop; the tunnels (WebSocket after the 101, TCP, TLS) spliced,
            // only HTTP copied (the 64 MiB of large WebSocket messages and 32 MiB of TCP are
            // spliced both ways).
            let summary = try router.stopCleanly()
            #expect(summary.spliced >= 2 * (large * Self.largeMessage + streams * Self.tcpBytes), "\(summary)")
            #expect(summary.copied < 1 * MiB, "\(summary)")
            let total = MonotonicTime.now() - started
            let times = outcomes.seconds.withLock { $0 }.sorted { $0.key < $1.key }.map { "\($0.key) \(rounded($0.value)) s" }
            #expect(total < 30, "took \(rounded(total)) s; the load \(rounded(loadSeconds)) s (slowest: \(times.joined(separator: ", ")))")
        }
    }
}
