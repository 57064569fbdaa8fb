import Glibc
import Synchronization

/// A real WebSocket echo server on 127.0.0.1 (RFC 6455), a thread per connection
/// (`ThreadedServer`). It reads a request head; a valid handshake (GET, `Upgrade: websocket`,
/// `Connection: upgrade`, `Sec-WebSocket-Version: 13`, a 16-byte key) gets `101` with the
/// computed `Sec-WebSocket-Accept`, anything else `400` and the connection closed (and is
/// counted as refused). Then it reads frames: every client frame must be masked (else close
/// 1002); fragmented messages are reassembled, control frames may come between their
/// fragments; a ping is answered at once with a pong carrying its payload; each complete
/// message is echoed as one unmasked frame with its opcode; a close is answered with a close
/// carrying the same code, and then the server closes the TCP connection (RFC 6455 §7.1.1).
public final class WebSocketEchoBackend: Sendable {
    public struct Counters: Sendable, CustomStringConvertible {
        public var connections = 0
        /// Handshakes answered 101.
        public var handshakes = 0
        /// Requests that were not a valid handshake (answered 400).
        public var refused = 0
        /// Messages echoed, and of those how many came in more than one frame.
        public var messages = 0
        public var fragmentedMessages = 0
        /// Payload bytes echoed in messages.
        public var messageBytes = 0
        public var pings = 0
        /// Close handshakes completed (a close received and answered).
        public var closes = 0
        /// Connections that ended without a close handshake (EOF, reset, timeout).
        public var abrupt = 0
        /// What broke the protocol or the connection, one sentence per event (the first 20).
        public var errors: [String] = []
        /// Request targets of the accepted handshakes.
        public var targets: [String] = []

        public var description: String {
            "connections=\(connections) handshakes=\(handshakes) refused=\(refused) messages=\(messages) "
                + "fragmented=\(fragmentedMessages) bytes=\(messageBytes) pings=\(pings) closes=\(closes) abrupt=\(abrupt)"
                + (errors.isEmpty ? "" : " errors: \(errors.joined(separator: "; "))")
        }
    }

    /// The largest message it reassembles.
    public static let maxMessage = 64 << 20

    private let server: ThreadedServer
    private let shared: Shared
    public var port: UInt16 { server.port }

    private final class Shared: Sendable {
        let counters = Mutex(Counters())
        let stopping = Atomic<Bool>(false)

        func update(_ change: (inout Counters) -> Void) { counters.withLock { change(&$0) } }

        func error(_ text: String) {
            counters.withLock { if $0.errors.count < 20 { $0.errors.append(text) } }
        }
    }

    /// `timeout` bounds how long one connection lives.
    public init(timeout: Double = 60, backlog: Int32 = 256) throws {
        let shared = Shared()
        self.shared = shared
        server = try ThreadedServer(backlog: backlog) { fd in
            shared.update { $0.connections += 1 }
            WebSocketEchoBackend.serve(fd, shared: shared, deadline: Deadline(seconds: timeout))
        }
    }

    deinit { stop() }

    public var counters: Counters { shared.counters.withLock { $0 } }

    /// Waits until `condition` holds for the counters, or `timeout` passes; returns them.
    public func waitForCounters(timeout: Double, _ condition: (Counters) -> Bool) -> Counters {
        var result = counters
        waitUntil(timeout: timeout) {
            result = counters
            return condition(result)
        }
        return result
    }

    /// Stops accepting, unblocks and joins every connection thread; safe to call twice.
    public func stop() {
        shared.stopping.store(true, ordering: .releasing)
        server.stop()
    }

    // MARK: serving a connection

    private static func serve(_ fd: Int32, shared: Shared, deadline: Deadline) {
        let socket = FrameSocket(fd: fd)
        let headBytes: [UInt8]
        do {
            guard let bytes = try socket.readHead(deadline: deadline) else {
                shared.error("connection ended before a request head")
                return
            }
            headBytes = bytes
        } catch {
            shared.error("reading the request head: \(error)")
            return
        }
        let head = HTTPHead(headBytes)
        guard let key = handshakeKey(head) else {
            shared.update { $0.refused += 1 }
            shared.error("not a WebSocket handshake: \(head)")
            _ = try? TCP.sendAll(fd, RecordingHTTPBackend.response(400, reason: "Bad Request", headers: ["Content-Length: 0", "Connection: close"]),
                                 deadline: deadline)
            return
        }
        let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(WebSocketWire.accept(key: key))\r\n\r\n"
        do {
            try TCP.sendAll(fd, response, deadline: deadline)
        } catch {
            shared.error("sending the 101: \(error)")
            return
        }
        let target = head.startLine.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        shared.update {
            $0.handshakes += 1
            $0.targets.append(target)
        }
        echoFrames(socket, shared: shared, deadline: deadline)
    }

    /// The key of a valid handshake request, or nil.
    static func handshakeKey(_ head: HTTPHead) -> String? {
        let parts = head.startLine.split(separator: " ")
        guard parts.count == 3, parts[0] == "GET", parts[2] == "HTTP/1.1" else { return nil }
        let upgrade = head.values("Upgrade").flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces.lowercased() }
        let connection = head.values("Connection").flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces.lowercased() }
        guard upgrade.contains("websocket"), connection.contains("upgrade"), head.values("Sec-WebSocket-Version") == ["13"],
              let key = head.value("Sec-WebSocket-Key"), head.values("Sec-WebSocket-Key").count == 1,
              WebSocketWire.isValidKey(key) else { return nil }
        return key
    }

    /// Reads and answers frames until a close handshake, a protocol error, the end of the
    /// connection, the deadline or `stop()`.
    private static func echoFrames(_ socket: FrameSocket, shared: Shared, deadline: Deadline) {
        var fragments: [[UInt8]] = []
        var messageOpcode: UInt8?
        func fail(_ code: UInt16, _ why: String) {
            shared.error(why)
            _ = try? socket.sendFrame(opcode: WebSocketWire.close, payload: WebSocketWire.closePayload(code: code), mask: nil,
                                      deadline: Deadline(seconds: 2))
        }
        for _ in 0..<1_000_000 {
            if shared.stopping.load(ordering: .acquiring) { return }
            let frame: WebSocketFrame
            do {
                frame = try socket.readFrame(deadline: deadline, maxPayload: maxMessage)
            } catch {
                shared.update { $0.abrupt += 1 }
                if (error as? HarnessError)?.code != 0 || messageOpcode != nil { shared.error("reading a frame: \(error)") }
                return
            }
            guard frame.masked else { return fail(1002, "unmasked client frame: \(frame)") }
            guard frame.rsv == 0 else { return fail(1002, "RSV bits set: \(frame)") }
            do {
                if frame.isControl {
                    guard frame.fin, frame.payload.count <= 125 else { return fail(1002, "bad control frame: \(frame)") }
                    switch frame.opcode {
                    case WebSocketWire.ping:
                        try socket.sendFrame(opcode: WebSocketWire.pong, payload: frame.payload, mask: nil, deadline: deadline)
                        shared.update { $0.pings += 1 }
                    case WebSocketWire.pong:
                        break
                    case WebSocketWire.close:
                        guard frame.payload.count != 1 else { return fail(1002, "close payload of 1 byte") }
                        let code = frame.closeCode ?? 1000
                        try socket.sendFrame(opcode: WebSocketWire.close, payload: WebSocketWire.closePayload(code: code), mask: nil,
                                             deadline: deadline)
                        shared.update { $0.closes += 1 }
                        // The server closes the TCP connection first (§7.1.1): the caller closes fd.
                        return
                    default:
                        return fail(1002, "unknown control opcode: \(frame)")
                    }
                    continue
                }
                switch frame.opcode {
                case WebSocketWire.text, WebSocketWire.binary:
                    guard messageOpcode == nil else { return fail(1002, "new message inside a fragmented one: \(frame)") }
                    if frame.fin {
                        try echo(socket, opcode: frame.opcode, fragments: [frame.payload], shared: shared, deadline: deadline)
                    } else {
                        messageOpcode = frame.opcode
                        fragments = [frame.payload]
                    }
                case WebSocketWire.continuation:
                    guard let opcode = messageOpcode else { return fail(1002, "continuation without a message: \(frame)") }
                    fragments.append(frame.payload)
                    let size = fragments.reduce(0) { $0 + $1.count }
                    guard size <= maxMessage else { return fail(1009, "message over \(maxMessage) bytes") }
                    if frame.fin {
                        try echo(socket, opcode: opcode, fragments: fragments, shared: shared, deadline: deadline)
                        messageOpcode = nil
                        fragments = []
                    }
                default:
                    return fail(1002, "unknown data opcode: \(frame)")
                }
            } catch {
                shared.update { $0.abrupt += 1 }
                shared.error("sending: \(error)")
                return
            }
        }
    }

    /// Sends the message made of `fragments` back as one unmasked frame.
    private static func echo(_ socket: FrameSocket, opcode: UInt8, fragments: [[UInt8]], shared: Shared, deadline: Deadline) throws {
        let message: [UInt8]
        if fragments.count == 1 {
            message = fragments[0]
        } else {
            let total = fragments.reduce(0) { $0 + $1.count }
            message = [UInt8](unsafeUninitializedCapacity: total) { target, initialized in
                var offset = 0
                for fragment in fragments where !fragment.isEmpty {
                    fragment.withUnsafeBytes { _ = memcpy(target.baseAddress! + offset, $0.baseAddress!, $0.count) }
                    offset += fragment.count
                }
                initialized = total
            }
        }
        try socket.sendFrame(opcode: opcode, payload: message, mask: nil, deadline: deadline)
        shared.update {
            $0.messages += 1
            $0.messageBytes += message.count
            if fragments.count > 1 { $0.fragmentedMessages += 1 }
        }
    }
}
