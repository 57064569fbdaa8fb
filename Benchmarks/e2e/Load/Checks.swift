import Glibc
import SwitchyardReactor
import SwitchyardWire

/// `http-check` and `ws-check`: one request, or one handshake and one 5-byte echo, through a
/// proxy before it is measured. Exit 0 when the answer is right; otherwise the reason on
/// stderr and exit 1.
enum Checks {
    static func http(_ options: Options) throws(UsageError) -> Int32 {
        let target = try options.target()
        let path = try options.string("path", default: "/")
        let host = try options.host()
        let deadline = try options.deadline()
        return report("http-check") { () throws(CheckFailure) in
            let socket = try connect(target, deadline)
            let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
            try send(socket, request, deadline)
            var response = ResponseBuffer()
            let headEnd = try response.readHead(socket, deadline)
            let status = response.withHead(headEnd) { HeadScan.statusCode($0) }
            guard status == 200 else { throw CheckFailure("status \(status.map(String.init) ?? "unreadable"), not 200") }
            let body = try response.readBody(socket, headEnd: headEnd, deadline)
            guard body == HTTPResponses.body else {
                throw CheckFailure("body \(String(decoding: body.prefix(64), as: UTF8.self).debugDescription), not \"hello, world\\n\"")
            }
        }
    }

    static func webSocket(_ options: Options) throws(UsageError) -> Int32 {
        let target = try options.target()
        let path = try options.string("path", default: "/ws")
        let host = try options.host()
        let deadline = try options.deadline()
        return report("ws-check") { () throws(CheckFailure) in
            let socket = try connect(target, deadline)
            var random = SystemRandomNumberGenerator()
            let key = Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
            try send(socket, Array(UpgradeRequests.request(path: path, host: host, key: key).utf8), deadline)
            var response = ResponseBuffer()
            let headEnd = try response.readHead(socket, deadline)
            let accept = Array(WebSocketHandshake.acceptValue(forKey: key).utf8)
            if let problem = response.withHead(headEnd, { UpgradeRequests.problem(head: $0, accept: accept) }) {
                throw CheckFailure("handshake: \(problem)")
            }
            response.bytes.removeFirst(headEnd)

            // One masked binary frame of 5 bytes, and its echo.
            let payload = Array("hello".utf8)
            let mask = UInt32.random(in: 1...UInt32.max, using: &random)
            var frame = WebSocketFrameWriter.header(opcode: .binary, payloadLength: UInt64(payload.count), mask: mask)
            var masked = payload
            masked.withUnsafeMutableBytes { WebSocketMask.unmask($0, key: mask, offset: 0) }
            frame += masked
            try send(socket, frame, deadline)
            var reader = ServerFrameReader()
            let echoed = try response.readEvent(socket, reader: &reader, expected: payload, deadline)
            guard case .message(let matched) = echoed else { throw CheckFailure("no echo: \(echoed)") }
            guard matched else { throw CheckFailure("the echo differs from the message") }

            var close = WSFrameBytes.closeFrame(code: 1000, mask: mask)
            try send(socket, withUnsafeBytes(of: &close) { Array($0[0..<WSFrameBytes.closeFrameLength]) }, deadline)
            let closed = try response.readEvent(socket, reader: &reader, expected: [], deadline)
            guard case .close = closed else { throw CheckFailure("no close frame in reply: \(closed)") }
        }
    }

    // MARK: - Plumbing

    struct CheckFailure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    static func report(_ name: String, _ body: () throws(CheckFailure) -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch {
            Output.error("sy-load \(name): \(error.reason)")
            return 1
        }
    }

    static func connect(_ target: SocketAddress, _ deadline: Deadline) throws(CheckFailure) -> BlockingSocket {
        do {
            return try BlockingSocket(connectingTo: target, deadline: deadline)
        } catch {
            throw CheckFailure("\(error)")
        }
    }

    static func send(_ socket: BlockingSocket, _ bytes: [UInt8], _ deadline: Deadline) throws(CheckFailure) {
        do {
            try socket.sendAll(bytes, deadline: deadline)
        } catch {
            throw CheckFailure("send: \(error)")
        }
    }
}

/// The bytes a check has received so far, read 16 KiB at a time.
struct ResponseBuffer {
    var bytes: [UInt8] = []

    /// Reads more; false at end of stream.
    mutating func fill(_ socket: BlockingSocket, _ deadline: Deadline) throws(Checks.CheckFailure) -> Bool {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 << 10, alignment: 16)
        defer { chunk.deallocate() }
        let n: Int
        do {
            n = try socket.receive(into: chunk, deadline: deadline)
        } catch {
            throw Checks.CheckFailure("receive: \(error)")
        }
        bytes += chunk[0..<n]
        return n > 0
    }

    /// Reads until a whole head is in; returns where it ends.
    mutating func readHead(_ socket: BlockingSocket, _ deadline: Deadline) throws(Checks.CheckFailure) -> Int {
        while true {
            if let end = bytes.withUnsafeBytes({ HeadScan.headEnd($0) }) { return end }
            guard bytes.count < 64 << 10 else { throw Checks.CheckFailure("response head too long") }
            guard try fill(socket, deadline) else {
                throw Checks.CheckFailure(bytes.isEmpty ? "connection closed without a response" : "connection closed inside the response head")
            }
        }
    }

    func withHead<R>(_ end: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
    }

    /// The body after the head: Content-Length bytes, a chunked body decoded, or everything
    /// up to EOF (the request asked for `Connection: close`).
    mutating func readBody(_ socket: BlockingSocket, headEnd: Int, _ deadline: Deadline) throws(Checks.CheckFailure) -> [UInt8] {
        let chunked = withHead(headEnd) { head in
            HeadScan.fieldValue(head, named: "transfer-encoding").map { HeadScan.contains(head, $0, token: "chunked") } ?? false
        }
        let length: Int? = withHead(headEnd) { head in
            HeadScan.fieldValue(head, named: "content-length").flatMap { Int(String(decoding: head[$0], as: UTF8.self)) }
        }
        while true {
            let body = Array(bytes[headEnd...])
            if chunked {
                if let decoded = Self.dechunk(body) { return decoded }
            } else if let length, body.count >= length {
                return Array(body[0..<length])
            }
            guard body.count < 1 << 20 else { throw Checks.CheckFailure("body too long") }
            guard try fill(socket, deadline) else {
                if chunked || length != nil { throw Checks.CheckFailure("connection closed inside the body") }
                return body
            }
        }
    }

    /// A complete chunked body (RFC 9112 §7.1) decoded, or nil while it is incomplete.
    static func dechunk(_ body: [UInt8]) -> [UInt8]? {
        var decoded: [UInt8] = []
        var position = 0
        while true {
            guard let lineEnd = body[position...].firstIndex(of: HeadScan.lf) else { return nil }
            let sizeText = String(decoding: body[position..<lineEnd], as: UTF8.self)
            let digits = sizeText.prefix { $0.isHexDigit }
            guard let size = Int(digits, radix: 16) else { return nil }
            position = lineEnd + 1
            if size == 0 { return body[position...].count >= 2 ? decoded : nil }
            guard body.count >= position + size + 2 else { return nil }
            decoded += body[position..<position + size]
            position += size + 2
        }
    }

    /// Reads frames until the reader reports a message or a close.
    mutating func readEvent(
        _ socket: BlockingSocket, reader: inout ServerFrameReader, expected: [UInt8], _ deadline: Deadline
    ) throws(Checks.CheckFailure) -> ServerFrameReader.Event {
        while true {
            let (consumed, event) = bytes.withUnsafeBytes { raw in
                expected.withUnsafeBytes { reader.process(raw, expected: $0) }
            }
            bytes.removeFirst(consumed)
            switch event {
            case .needMoreBytes:
                guard try fill(socket, deadline) else { throw Checks.CheckFailure("connection closed before a frame arrived") }
            case .message, .close, .protocolError:
                return event
            }
        }
    }
}
