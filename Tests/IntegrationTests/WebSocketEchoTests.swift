import Testing
import TestSupport

extension Integration {
    /// `websocket_echo;`: the built-in WebSocket server, speaking RFC 6455 to real sockets.
    @Suite struct WebSocketEchoTests {
        static let handshake = "GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        /// RFC 6455 §5.7: a masked text frame "Hello" (mask 37 fa 21 3d) and its unmasked form.
        static let maskedHello: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        static let hello: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]

        static func start() throws -> HTTPRouter {
            try startHTTPServer([location("/echo", ["websocket_echo;"])])
        }

        /// Reads a response head (to CRLFCRLF) from a raw socket, byte by byte.
        static func readHead(_ fd: Int32) throws -> String {
            var head: [UInt8] = []
            while !head.ends(with: Array("\r\n\r\n".utf8)) && head.count < 8192 {
                head += try TCP.receiveExactly(fd, count: 1, deadline: Deadline(seconds: 5))
            }
            return String(decoding: head, as: UTF8.self)
        }

        /// The handshake answers 101 with the RFC's accept value; a masked "Hello" comes back
        /// unmasked; a masked ping gets its pong; a close 1000 gets close 1000, then EOF.
        @Test func wsEcho_rfcExchange() throws {
            let (router, port) = try Self.start()
            defer { router.stop() }
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try TCP.sendAll(fd, Self.handshake, deadline: Deadline(seconds: 5))
            let head = try Self.readHead(fd)
            #expect(head.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"), "\(head)")
            #expect(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), "\(head)")

            try TCP.sendAll(fd, Self.maskedHello, deadline: Deadline(seconds: 5))
            #expect(try TCP.receiveExactly(fd, count: Self.hello.count, deadline: Deadline(seconds: 5)) == Self.hello)

            // Masked ping "Hello" (RFC 6455 §5.7 payload) → unmasked pong "Hello".
            try TCP.sendAll(fd, [0x89, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], deadline: Deadline(seconds: 5))
            #expect(try TCP.receiveExactly(fd, count: 7, deadline: Deadline(seconds: 5)) == [0x8a, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f])

            // Masked close 1000 (mask 00 00 00 00 keeps the bytes readable) → close 1000, EOF.
            try TCP.sendAll(fd, [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8], deadline: Deadline(seconds: 5))
            #expect(try TCP.receiveExactly(fd, count: 4, deadline: Deadline(seconds: 5)) == [0x88, 0x02, 0x03, 0xe8])
            #expect(TCP.waitForEnd(fd, deadline: Deadline(seconds: 5)).end == .eof)
        }

        /// Bytes sent with the handshake are the first frame; a frame the client did not mask
        /// breaks the protocol and gets close 1002.
        @Test func wsEcho_earlyFrameAndProtocolError() throws {
            let (router, port) = try Self.start()
            defer { router.stop() }
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try TCP.sendAll(fd, Array(Self.handshake.utf8) + Self.maskedHello, deadline: Deadline(seconds: 5))
            _ = try Self.readHead(fd)
            #expect(try TCP.receiveExactly(fd, count: Self.hello.count, deadline: Deadline(seconds: 5)) == Self.hello)
            try TCP.sendAll(fd, Self.hello, deadline: Deadline(seconds: 5))  // unmasked from a client
            #expect(try TCP.receiveExactly(fd, count: 4, deadline: Deadline(seconds: 5)) == [0x88, 0x02, 0x03, 0xea])
            #expect(TCP.waitForEnd(fd, deadline: Deadline(seconds: 5)).end == .eof)
        }

        /// A plain request gets 426 with `Upgrade: websocket`; a wrong version gets 426 with
        /// `Sec-WebSocket-Version: 13`; a bad key gets 400.
        @Test func wsEcho_refusesWhatIsNotAHandshake() throws {
            let (router, port) = try Self.start()
            defer { router.stop() }
            let plain = try HTTPClient.exchange(port: port, HTTPClient.request("/echo"))
            #expect(plain.status == 426 && plain.head.value("Upgrade") == "websocket", "\(plain)")
            let oldVersion = try HTTPClient.exchange(port: port, Array(Self.handshake.replacingOccurrences(of: "Version: 13", with: "Version: 8").utf8))
            #expect(oldVersion.status == 426 && oldVersion.head.value("Sec-WebSocket-Version") == "13", "\(oldVersion)")
            let badKey = try HTTPClient.exchange(port: port, Array(Self.handshake.replacingOccurrences(of: "dGhlIHNhbXBsZSBub25jZQ==", with: "short").utf8))
            #expect(badKey.status == 400, "\(badKey)")
        }
    }
}

extension Array where Element: Equatable {
    fileprivate func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
