import Glibc
import Testing
import TestSupport

// WebSocket (HTTP/1.1 Upgrade) proxying end to end: the nginx idiom in a `location /ws/`, a
// backend that answers 101 and then echoes bytes (`UpgradeBackend`), and a raw client that
// does the handshake and then uses the socket as a byte pipe.

/// The nginx idiom's `map`, for `http { }`.
private let connectionUpgradeMap = """
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    """

/// The handshake key and what the request sends with it; the backend must see them unchanged.
private let wsKey = "dGhlIHNhbXBsZSBub25jZQ=="
private let wsExtraHeaders = [
    "Sec-WebSocket-Key: \(wsKey)",
    "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Protocol: chat, superchat",
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
]

/// A WebSocket handshake request's bytes for `target` (`Connection: Upgrade`, `Upgrade:
/// websocket`, the `Sec-WebSocket-*` fields), then `early` bytes in the same buffer.
private func upgradeRequest(_ target: String, early: [UInt8] = []) -> [UInt8] {
    Array(HTTPClient.request(target, headers: ["Upgrade: websocket", "Connection: Upgrade"] + wsExtraHeaders).utf8) + early
}

/// `location /ws/ { proxy_pass http://127.0.0.1:backend; proxy_http_version 1.1; ... }`,
/// with `proxy_set_header Upgrade $http_upgrade` and `Connection <connection>` unless
/// `connection` is nil, a 500 ms connect timeout and `proxy_read_timeout readTimeout`.
private func wsLocation(_ backend: UInt16, connection: String? = "$connection_upgrade", readTimeout: String = "5s") -> String {
    let upgrade = connection.map { ["proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection \($0);"] } ?? []
    return location("/ws/", ["proxy_pass http://127.0.0.1:\(backend);", "proxy_http_version 1.1;"] + upgrade
        + proxyTimeouts(read: readTimeout))
}

/// A router with the idiom's `map` and `wsLocation(...)`.
private func startWebSocketProxy(to backend: UInt16, connection: String? = "$connection_upgrade",
                                 readTimeout: String = "5s") throws -> HTTPRouter {
    try startHTTPServer([wsLocation(backend, connection: connection, readTimeout: readTimeout)], preamble: connectionUpgradeMap)
}

/// Connects, sends `upgradeRequest(target, early:)` in one send, and reads the response head,
/// a failed requirement naming the log if none comes. Close the connection in a `defer`.
private func handshake(port: UInt16, _ target: String = "/ws/chat", early: [UInt8] = [], router: SwitchyardProcess,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> (HTTPConnection, HTTPHead) {
    let connection = try HTTPConnection(port: port)
    do {
        try connection.send(upgradeRequest(target, early: early))
        let head = try #require(try connection.readHead(),
                                "no response head (\(connection.reader.endDescription)); log:\n\(router.logTail())",
                                sourceLocation: sourceLocation)
        return (connection, head)
    } catch {
        connection.close()
        throw error
    }
}

/// Expects `head` to be the 101 the client must get: `Upgrade: websocket`, `Connection:
/// upgrade` (any case), the backend's `Sec-WebSocket-Accept`.
private func expectSwitched(_ head: HTTPHead, router: SwitchyardProcess, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(head.status == 101, "\(head); log:\n\(router.logTail())", sourceLocation: sourceLocation)
    expectField("Upgrade", "websocket", in: head, "client", sourceLocation: sourceLocation)
    #expect(head.values("Connection").map { $0.lowercased() } == ["upgrade"], "client: \(head)", sourceLocation: sourceLocation)
    expectField("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", in: head, "client", sourceLocation: sourceLocation)
}

/// Exactly `count` bytes from `connection`: what its reader already holds first.
private func receiveExactly(_ connection: HTTPConnection, _ count: Int, timeout: Double = 5) throws -> [UInt8] {
    let deadline = Deadline(seconds: timeout)
    while connection.reader.pending.count < count {
        if try connection.reader.fill(deadline: deadline) == 0 {
            throw HarnessError("connection ended (\(connection.reader.endDescription)) after \(connection.reader.pending.count) "
                + "of \(count) bytes: \(connection.reader.pending.visible)")
        }
    }
    return connection.reader.take(count)
}

/// A WebSocket text frame with `text` (under 126 bytes), FIN set; masked with `mask` (as a
/// client must) when given.
private func textFrame(_ text: String, mask: [UInt8]? = nil) -> [UInt8] {
    let payload = Array(text.utf8)
    precondition(payload.count < 126)
    guard let mask else { return [0x81, UInt8(payload.count)] + payload }
    return [0x81, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
}

extension Integration {
    /// WebSocket upgrades through an http `location`: the handshake reaches the upstream, a 101
    /// makes the connection a splice tunnel, early bytes survive the switch, refusals and
    /// unsolicited 101s stay HTTP, and `proxy_read_timeout` closes an idle tunnel.
    @Suite struct WebSocketUpgradeTests {
        /// The nginx idiom: the backend gets `Upgrade: websocket`, `Connection: upgrade`, the
        /// `Sec-WebSocket-*` fields unchanged and `Host`; the client gets the 101 with
        /// `Upgrade` and `Connection: upgrade`; then 1 MiB of pattern bytes echoes through the
        /// tunnel intact (count and hash both ways), and the half-close ends it.
        @Test func ws_upgradeThenEcho() throws {
            let backend = try UpgradeBackend()
            let (router, port) = try startWebSocketProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let (connection, head) = try handshake(port: port, "/ws/chat?room=1", router: router)
            defer { connection.close() }
            expectSwitched(head, router: router)
            let up = try #require(backend.waitForHeads(1)?.first, "the backend received nothing; log:\n\(router.logTail())")
            #expect(up.startLine == "GET /ws/chat?room=1 HTTP/1.1", "\(up)")
            expectField("Upgrade", "websocket", in: up, "upstream")
            expectField("Connection", "upgrade", in: up, "upstream")
            expectField("Host", "127.0.0.1:\(backend.port)", in: up, "upstream")
            for field in wsExtraHeaders {
                let (name, value) = (String(field.prefix(while: { $0 != ":" })), String(field.drop(while: { $0 != " " }).dropFirst()))
                expectField(name, value, in: up, "upstream")
            }
            #expect(connection.reader.pending.isEmpty, "bytes after the 101: \(connection.reader.pending.visible)")

            let total = MiB
            let seed: UInt64 = 0x0E5C_0001
            let result = try EchoExchange.roundTrip(connection.fd, total: total, seed: seed, deadline: Deadline(seconds: 30))
            #expect(result.sent == Transfer.patternDigest(total: total, seed: seed))
            #expect(result.received == result.sent, "sent \(result.sent), got back \(result.received); log:\n\(router.logTail())")
            let tunnel = try #require(backend.waitForTunnelEnd(timeout: 5), "backend tunnel: \(backend.tunnels)")
            #expect(tunnel.received == result.sent, "backend: \(tunnel)")
            #expect(tunnel.end == .eof, "backend: \(tunnel)")
            #expect(backend.connectionCount == 1)
        }

        /// The client sends the handshake and its first (masked) frame in one send; the backend
        /// sends the 101 and its first frame in one send: after the 101 the client gets the
        /// backend's frame, then the echo of its own, each exactly once and nothing else; the
        /// backend gets the client's frame exactly once.
        @Test func ws_earlyBytesBothWays() throws {
            let clientEarly = textFrame("early from the client", mask: [0x12, 0x34, 0x56, 0x78])
            let backendEarly = textFrame("early from the backend")
            let backend = try UpgradeBackend(handler: UpgradeBackend.upgradeWhenAsked(early: backendEarly))
            let (router, port) = try startWebSocketProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let (connection, head) = try handshake(port: port, early: clientEarly, router: router)
            defer { connection.close() }
            expectSwitched(head, router: router)
            let after = try receiveExactly(connection, backendEarly.count + clientEarly.count)
            #expect(after == backendEarly + clientEarly,
                    "after the 101: \(after.visible), wanted \((backendEarly + clientEarly).visible); log:\n\(router.logTail())")
            TCP.shutdownWrite(connection.fd)
            let end = connection.waitForEnd(timeout: 5)
            #expect(end.end == .eof && end.extra.isEmpty, "then \(end.extra.visible) and \(end.end)")

            let tunnel = try #require(backend.waitForTunnelEnd(timeout: 5), "backend tunnel: \(backend.tunnels)")
            #expect(tunnel.prefix == clientEarly, "backend got \(tunnel.prefix.visible) after the head, wanted \(clientEarly.visible)")
            #expect(tunnel.end == .eof, "backend: \(tunnel)")
            let up = try #require(backend.heads.first)
            #expect(!up.bytes.contains(bytes: clientEarly), "the early frame leaked into the head: \(up)")
        }

        /// A plain GET (no Upgrade) to a backend that answers 101 anyway: the client gets 502,
        /// and nothing of the 101 or what follows it.
        @Test func ws_unsolicited101Is502() throws {
            let backend = try UpgradeBackend(handler: UpgradeBackend.always101(early: Array("rogue bytes".utf8)))
            let (router, port) = try startWebSocketProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/ws/plain"))
            #expect(response.status == 502, "\(response); log:\n\(router.logTail())")
            #expect(!response.head.has("Upgrade") && !response.body.contains(bytes: Array("rogue".utf8)), "\(response)")
            let up = try #require(backend.heads.first, "the backend received nothing; log:\n\(router.logTail())")
            expectAbsent(["Upgrade"], in: up, "upstream for a plain request")
        }

        /// An upgrade answered `426 Upgrade Required` (with Content-Length, `Upgrade` and
        /// `Connection: Upgrade`) is an ordinary response: the client gets the 426 and its body,
        /// and a second request on the same connection is answered normally.
        @Test func ws_refusalStaysHTTP() throws {
            let refusal = UpgradeBackend.response(426, reason: "Upgrade Required",
                                                  headers: ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13"],
                                                  body: "upgrade refused")
            let backend = try UpgradeBackend { head in
                head.has("Upgrade") ? .respond(refusal) : UpgradeBackend.upgradeWhenAsked()(head)
            }
            let (router, port) = try startWebSocketProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(upgradeRequest("/ws/refused"))
            let refused = try #require(try connection.readResponse(), "no response (\(connection.reader.endDescription)); log:\n\(router.logTail())")
            #expect(refused.status == 426, "\(refused); log:\n\(router.logTail())")
            #expect(refused.complete && refused.text == "upgrade refused", "\(refused)")
            #expect(!refused.head.values("Connection").contains { $0.lowercased() == "close" }, "\(refused)")

            try connection.send(HTTPClient.request("/ws/after"))
            let after = try #require(try connection.readResponse(), "the connection ended (\(connection.reader.endDescription)) after the refusal; log:\n\(router.logTail())")
            #expect(after.status == 200 && after.text == "plain /ws/after", "\(after); log:\n\(router.logTail())")
            #expect(backend.tunnels.isEmpty, "\(backend.tunnels)")
            let heads = backend.heads
            #expect(heads.count == 2, "\(heads)")
        }

        /// With `proxy_read_timeout 1s`, a tunnel where nobody sends anything is closed on
        /// both sides: the client sees EOF after about 1 s (between 0.8 and 3 s), the backend
        /// sees its connection end too.
        @Test func ws_idleTunnelClosedByReadTimeout() throws {
            let backend = try UpgradeBackend()
            let (router, port) = try startWebSocketProxy(to: backend.port, readTimeout: "1s")
            defer { router.stop(); backend.stop() }

            let (connection, head) = try handshake(port: port, router: router)
            defer { connection.close() }
            let start = MonotonicTime.now()
            expectSwitched(head, router: router)
            let end = waitForEnd(connection.fd, within: 4, since: start)
            #expect(end.end == .eof && end.bytes == 0, "client: \(end.bytes) bytes then \(end.end); log:\n\(router.logTail())")
            #expect(end.elapsed >= 0.8 && end.elapsed <= 3, "client saw the end after \(end.elapsed) s")
            let tunnel = try #require(backend.waitForTunnelEnd(timeout: 3), "backend still open: \(backend.tunnels); log:\n\(router.logTail())")
            #expect(tunnel.end == .eof || tunnel.end == .reset, "backend: \(tunnel)")
            #expect(tunnel.received.count == 0, "backend: \(tunnel)")
            if let endedAt = tunnel.endedAt {
                #expect(endedAt - start <= 3.5, "backend saw the end after \(endedAt - start) s")
            }
        }

        /// With `proxy_read_timeout 1s`, a tunnel whose upstream answers every 400 ms (the
        /// echo of a client ping) stays open for 2.5 s, well past the timeout.
        @Test func ws_trafficKeepsTunnelOpen() throws {
            let backend = try UpgradeBackend()
            let (router, port) = try startWebSocketProxy(to: backend.port, readTimeout: "1s")
            defer { router.stop(); backend.stop() }

            let (connection, head) = try handshake(port: port, router: router)
            defer { connection.close() }
            expectSwitched(head, router: router)
            let start = MonotonicTime.now()
            for index in 0..<7 {
                let ping = "ping \(index)"
                try connection.send(ping)
                let echoed = try receiveExactly(connection, ping.utf8.count)
                #expect(echoed == Array(ping.utf8), "ping \(index) at \(MonotonicTime.now() - start) s; log:\n\(router.logTail())")
                MonotonicTime.sleep(0.4)
            }
            #expect(backend.tunnels.first?.end == nil, "backend: \(backend.tunnels)")
        }

        /// The client half-closes after the upgrade (a last message, then SHUT_WR): the backend
        /// gets the message and EOF, and its farewell still reaches the client, followed by
        /// EOF.
        @Test func ws_halfClose() throws {
            let farewell = Array("farewell from the backend".utf8)
            let backend = try UpgradeBackend(handler: UpgradeBackend.upgradeWhenAsked(farewell: farewell))
            let (router, port) = try startWebSocketProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let (connection, head) = try handshake(port: port, router: router)
            defer { connection.close() }
            expectSwitched(head, router: router)
            let last = Array("last words".utf8)
            try connection.send(last)
            TCP.shutdownWrite(connection.fd)
            let tunnel = try #require(backend.waitForTunnelEnd(timeout: 5), "backend never saw EOF: \(backend.tunnels); log:\n\(router.logTail())")
            #expect(tunnel.end == .eof && tunnel.saidFarewell, "backend: \(tunnel)")
            #expect(tunnel.prefix == last, "backend got \(tunnel.prefix.visible)")

            let received = try receiveExactly(connection, last.count + farewell.count)
            #expect(received == last + farewell, "client got \(received.visible); log:\n\(router.logTail())")
            let end = connection.waitForEnd(timeout: 5)
            #expect(end.end == .eof && end.extra.isEmpty, "then \(end.extra.visible) and \(end.end)")
        }

        /// 4 MiB echoed through an upgraded connection is spliced, not copied: the exit line
        /// counts at least the 8 MiB both ways as `spliced`, and as `copied` only the HTTP
        /// bytes of the handshake (some, well under 64 KiB).
        @Test func ws_splicedNotCopied() throws {
            let backend = try UpgradeBackend()
            let (router, port) = try startWebSocketProxy(to: backend.port)
            defer { router.stop(); backend.stop() }

            let total = 4 * MiB
            let seed: UInt64 = 0x0E5C_0007
            do {
                let (connection, head) = try handshake(port: port, router: router)
                defer { connection.close() }
                expectSwitched(head, router: router)
                let result = try EchoExchange.roundTrip(connection.fd, total: total, seed: seed, deadline: Deadline(seconds: 60))
                #expect(result.received == result.sent && result.sent.count == total,
                        "sent \(result.sent), got back \(result.received); log:\n\(router.logTail())")
            }
            _ = backend.waitForTunnelEnd(timeout: 5)
            let summary = try router.stopCleanly()
            #expect(summary.spliced >= 2 * total, "\(summary); log:\n\(router.logTail())")
            #expect(summary.copied > 0 && summary.copied < 64 << 10, "\(summary); log:\n\(router.logTail())")
            #expect(summary.sessions >= 1, "\(summary)")
        }

        /// The literal form, `proxy_set_header Connection "upgrade";` (no map): the backend gets
        /// `Connection: upgrade`, the client the 101, and a real masked text frame comes back
        /// byte-identical.
        @Test func ws_literalConnectionUpgrade() throws {
            let backend = try UpgradeBackend()
            let (router, port) = try startWebSocketProxy(to: backend.port, connection: "\"upgrade\"")
            defer { router.stop(); backend.stop() }

            let (connection, head) = try handshake(port: port, router: router)
            defer { connection.close() }
            expectSwitched(head, router: router)
            let up = try #require(backend.waitForHeads(1)?.first, "the backend received nothing; log:\n\(router.logTail())")
            expectField("Connection", "upgrade", in: up, "upstream")
            expectField("Upgrade", "websocket", in: up, "upstream")

            let frame = textFrame("a real masked text frame", mask: [0xA1, 0xB2, 0xC3, 0xD4])
            try connection.send(frame)
            let echoed = try receiveExactly(connection, frame.count)
            #expect(echoed == frame, "echo \(echoed.visible) of \(frame.visible); log:\n\(router.logTail())")
        }

        /// A location that proxies with HTTP/1.1 but sets neither `Upgrade` nor `Connection`:
        /// the upgrade is hop-by-hop, so the backend gets a plain request (no `Upgrade`, no
        /// `Connection: upgrade`) and answers it normally; the client's connection stays HTTP.
        @Test func ws_noUpgradeWithoutSetHeader() throws {
            let backend = try UpgradeBackend()
            let (router, port) = try startWebSocketProxy(to: backend.port, connection: nil)
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(upgradeRequest("/ws/chat"))
            let response = try #require(try connection.readResponse(), "no response (\(connection.reader.endDescription)); log:\n\(router.logTail())")
            #expect(response.status == 200 && response.text == "plain /ws/chat", "\(response); log:\n\(router.logTail())")
            let up = try #require(backend.waitForHeads(1)?.first, "the backend received nothing; log:\n\(router.logTail())")
            expectAbsent(["Upgrade"], in: up, "upstream without proxy_set_header Upgrade")
            #expect(!up.values("Connection").contains { $0.lowercased().contains("upgrade") }, "upstream: \(up)")
            #expect(backend.tunnels.isEmpty, "\(backend.tunnels)")

            try connection.send(HTTPClient.request("/ws/again"))
            let again = try #require(try connection.readResponse(), "the connection ended (\(connection.reader.endDescription)); log:\n\(router.logTail())")
            #expect(again.status == 200 && again.text == "plain /ws/again", "\(again)")
        }
    }
}
