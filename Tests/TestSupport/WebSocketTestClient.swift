import Glibc

/// A blocking RFC 6455 client on 127.0.0.1 for one thread: it opens the connection with a
/// real handshake (random key, checked `Sec-WebSocket-Accept`), sends masked frames with a
/// fresh random key each, and reads the server's frames. Every method checks what it can
/// and throws a `HarnessError` sentence otherwise. Close it in a `defer`.
public final class WebSocketTestClient {
    public let socket: FrameSocket
    /// The 101's head as received.
    public let responseHead: HTTPHead
    private let timeout: Double

    /// Connects to 127.0.0.1:`port`, sends the handshake for `target` (with `Host: host`) and
    /// reads the response head: it must be `101` with `Upgrade: websocket`, `Connection:
    /// upgrade` and the accept value of the key sent. `timeout` bounds each later step.
    /// `headers` are extra request lines (`Cookie: a=b`).
    public init(port: UInt16, target: String, host: String = "localhost", headers: [String] = [], timeout: Double = 10) throws {
        self.timeout = timeout
        let fd = try TCP.connect(port: port)
        socket = FrameSocket(fd: fd)
        do {
            let key = WebSocketWire.randomKey()
            let request = "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n"
            let deadline = Deadline(seconds: timeout)
            try TCP.sendAll(fd, request, deadline: deadline)
            guard let bytes = try socket.readHead(deadline: deadline) else {
                throw HarnessError("the connection ended before a response head")
            }
            let head = HTTPHead(bytes)
            guard head.status == 101 else { throw HarnessError("handshake answered \(head)") }
            guard head.values("Upgrade").map({ $0.lowercased() }) == ["websocket"],
                  head.values("Connection").map({ $0.lowercased() }) == ["upgrade"] else {
                throw HarnessError("101 without Upgrade: websocket and Connection: upgrade: \(head)")
            }
            let expected = WebSocketWire.accept(key: key)
            guard head.values("Sec-WebSocket-Accept") == [expected] else {
                throw HarnessError("Sec-WebSocket-Accept should be \(expected): \(head)")
            }
            responseHead = head
        } catch {
            TCP.close(fd)
            throw error
        }
    }

    public func close() { TCP.close(socket.fd) }

    /// Sends one masked frame.
    public func sendFrame(fin: Bool = true, opcode: UInt8, _ payload: [UInt8]) throws {
        try socket.sendFrame(fin: fin, opcode: opcode, payload: payload, mask: WebSocketWire.randomMask(),
                             deadline: Deadline(seconds: timeout))
    }

    /// Sends `payload` as a message of `opcode` in `pieces` frames (the first with `opcode`,
    /// the rest continuations, FIN on the last; one frame when `pieces` is 1), and `between`
    /// (a control frame's opcode and payload) after the first fragment, when given.
    public func sendMessage(_ payload: [UInt8], opcode: UInt8, pieces: Int = 1, between: (UInt8, [UInt8])? = nil) throws {
        precondition(pieces >= 1)
        let size = (payload.count + pieces - 1) / pieces
        for piece in 0..<pieces {
            let lower = min(piece * size, payload.count)
            let upper = piece == pieces - 1 ? payload.count : min(lower + size, payload.count)
            let fragment = lower == 0 && upper == payload.count ? payload : Array(payload[lower..<upper])
            try sendFrame(fin: piece == pieces - 1, opcode: piece == 0 ? opcode : WebSocketWire.continuation, fragment)
            if piece == 0, let (control, body) = between { try sendFrame(opcode: control, body) }
        }
    }

    /// The next frame from the server, which must not be masked nor set RSV bits.
    public func readFrame() throws -> WebSocketFrame {
        let frame = try socket.readFrame(deadline: Deadline(seconds: timeout))
        guard !frame.masked else { throw HarnessError("the server masked a frame: \(frame)") }
        guard frame.rsv == 0 else { throw HarnessError("the server set RSV bits: \(frame)") }
        return frame
    }

    /// Reads the next frame and requires it to be one unfragmented frame of `opcode` whose
    /// payload is exactly `payload`.
    public func expectFrame(_ opcode: UInt8, _ payload: [UInt8], _ what: String) throws {
        let frame = try readFrame()
        guard frame.fin, frame.opcode == opcode else {
            throw HarnessError("\(what): wanted one frame of opcode \(opcode) with \(payload.count) bytes, got \(frame)")
        }
        guard WebSocketWire.same(frame.payload, payload) else {
            let at = WebSocketWire.firstDifference(frame.payload, payload)
            throw HarnessError("\(what): \(frame.payload.count) bytes came back for \(payload.count) sent, first difference at byte \(at)")
        }
    }

    /// Sends `message` (as `sendMessage`) and requires its echo: one frame, same opcode, same
    /// bytes; when `between` is a ping, its pong (same payload) must come first.
    public func echo(_ message: [UInt8], opcode: UInt8, pieces: Int = 1, between: (UInt8, [UInt8])? = nil, _ what: String) throws {
        try sendMessage(message, opcode: opcode, pieces: pieces, between: between)
        if let (control, body) = between, control == WebSocketWire.ping {
            try expectFrame(WebSocketWire.pong, body, "\(what): the pong to the ping between fragments")
        }
        try expectFrame(opcode, message, what)
    }

    /// Sends a ping with `payload` and requires a pong with the same payload.
    public func ping(_ payload: [UInt8]) throws {
        try sendFrame(opcode: WebSocketWire.ping, payload)
        try expectFrame(WebSocketWire.pong, payload, "pong")
    }

    /// The close handshake: sends close `code` with `reason`, requires a close frame with the
    /// same code, then the server's end of the connection (EOF, no more bytes).
    public func closeHandshake(code: UInt16 = 1000, reason: String = "") throws {
        try sendFrame(opcode: WebSocketWire.close, WebSocketWire.closePayload(code: code, reason: reason))
        let frame = try readFrame()
        guard frame.opcode == WebSocketWire.close, frame.fin, frame.closeCode == code else {
            throw HarnessError("sent close \(code), got \(frame) (code \(frame.closeCode.map { "\($0)" } ?? "none"))")
        }
        let end = socket.waitForEnd(deadline: Deadline(seconds: timeout))
        guard end.end == .eof, end.bytes == 0 else {
            throw HarnessError("after the close handshake: \(end.bytes) bytes, then \(end.end) instead of EOF")
        }
    }
}
