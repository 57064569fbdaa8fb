import Glibc
import Synchronization

/// One request as an HTTP backend received it: the exact bytes of its head and of its body
/// (chunk framing and trailers included when chunked).
public struct RecordedRequest: Sendable, CustomStringConvertible {
    /// Which accepted connection it came on (0, 1, ...), and its place on that connection.
    public let connection: Int
    public let index: Int
    public let head: HTTPHead
    public let body: [UInt8]
    /// False when the connection ended (or the read failed) inside the body.
    public let complete: Bool

    /// Every byte received for this request, head and body.
    public var bytes: [UInt8] { head.bytes + body }
    public var requestLine: String { head.startLine }
    /// The request target (`GET /a?b HTTP/1.0` → `/a?b`).
    public var target: String {
        let parts = head.startLine.split(separator: " ")
        return parts.count > 1 ? String(parts[1]) : ""
    }
    public var method: String { String(head.startLine.split(separator: " ").first ?? "") }
    /// The body's data: dechunked when chunked, else the body as received.
    public var data: [UInt8] { head.isChunked ? (HTTPFraming.dechunk(body) ?? []) : body }
    public var bodyText: String { String(decoding: data, as: UTF8.self) }

    public var description: String { (head.bytes + body).visible }
}

/// An HTTP/1.1 backend on 127.0.0.1 that records the exact bytes of every request it reads
/// and answers as `reply` says. A thread per connection (`ThreadedServer`); each connection
/// serves requests one after another until the peer closes, a reply closes it, or `stop()`.
public final class RecordingHTTPBackend: Sendable {
    /// What to do with a request once it has been read whole.
    public enum Reply: Sendable {
        /// Send these bytes and read the next request on the same connection.
        case send([UInt8])
        /// Send these bytes and close the connection (a close-delimited body, or a peer that
        /// dies after a partial response: head plus part of a Content-Length body).
        case sendAndClose([UInt8])
        /// Send these bytes, then say nothing more: keep the connection open until the peer
        /// closes it or the backend stops (an upstream that hangs after garbage).
        case sendAndHold([UInt8])
        /// Never answer: hold the connection until the peer closes it or the backend stops.
        case silence
        /// Send `head`, then `total` pattern bytes from `seed` (`Transfer.sendPattern`), then
        /// close. Its digest is `Transfer.patternDigest(total:seed:)`.
        case pattern(head: [UInt8], total: Int, seed: UInt64)
        /// Wait `seconds`, then do `then`.
        indirect case delayed(Double, then: Reply)

        /// A whole response with `Content-Length`: `HTTP/1.1 status reason`, `headers` one a
        /// line, then `body`.
        public static func response(_ status: Int = 200, reason: String = "OK", headers: [String] = [],
                                    body: String = "") -> Reply {
            .send(RecordingHTTPBackend.response(status, reason: reason, headers: headers + ["Content-Length: \(body.utf8.count)"],
                                                body: Array(body.utf8)))
        }
    }

    public typealias Handler = @Sendable (RecordedRequest) -> Reply

    /// Bytes of a response: status line, `headers` one a line, a blank line, `body`.
    public static func response(_ status: Int, reason: String = "OK", headers: [String], body: [UInt8] = []) -> [UInt8] {
        Array(("HTTP/1.1 \(status) \(reason)\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n").utf8) + body
    }

    /// A handler answering every request `200 OK` with `body` (by default, its target).
    public static func ok(_ body: String? = nil) -> Handler {
        { request in .response(body: body ?? request.target) }
    }

    private let server: ThreadedServer
    private let log: Log
    public var port: UInt16 { server.port }

    private final class Log: Sendable {
        let requests = Mutex<[RecordedRequest]>([])
        /// Every byte each connection delivered, in accept order, whether or not it parsed.
        let raw = Mutex<[Int: [UInt8]]>([:])
        let connections = Atomic<Int>(0)
        let replies = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
    }

    /// `timeout` bounds how long one connection's handler lives.
    public init(timeout: Double = 300, handler: @escaping Handler = RecordingHTTPBackend.ok()) throws {
        let log = Log()
        self.log = log
        server = try ThreadedServer { fd in
            let connection = log.connections.add(1, ordering: .acquiringAndReleasing).oldValue
            RecordingHTTPBackend.serve(fd, connection: connection, log: log, deadline: Deadline(seconds: timeout), handler: handler)
        }
    }

    deinit { stop() }

    /// Every request read whole (or ended inside its body), in the order they finished.
    public var requests: [RecordedRequest] { log.requests.withLock { $0 } }

    /// How many connections were accepted.
    public var connectionCount: Int { server.acceptedCount }

    /// Every byte received on every connection, concatenated in accept order: empty means
    /// nothing at all reached the backend.
    public var allBytesReceived: [UInt8] {
        log.raw.withLock { raw in raw.keys.sorted().flatMap { raw[$0]! } }
    }

    /// How many replies the backend has started to send.
    public var replyCount: Int { log.replies.load(ordering: .acquiring) }

    /// The first `count` requests, or nil if they do not arrive within `timeout` seconds.
    public func waitForRequests(_ count: Int, timeout: Double = 5) -> [RecordedRequest]? {
        var result: [RecordedRequest] = []
        let done = waitUntil(timeout: timeout) {
            result = requests
            return result.count >= count
        }
        return done ? result : nil
    }

    /// Stops accepting, unblocks and joins every connection thread; safe to call twice.
    public func stop() {
        log.stopping.store(true, ordering: .releasing)
        server.stop()
    }

    // MARK: serving a connection

    private static func serve(_ fd: Int32, connection: Int, log: Log, deadline: Deadline, handler: Handler) {
        let reader = BufferedReader(fd: fd)
        func record(_ bytes: [UInt8]) {
            log.raw.withLock { $0[connection, default: []] += bytes }
        }
        defer {
            // Whatever arrived but was never part of a whole head counts as received, too.
            if !reader.pending.isEmpty { record(reader.pending) }
        }
        for index in 0..<10_000 {
            if log.stopping.load(ordering: .acquiring) { return }
            guard let headBytes = try? reader.readHead(deadline: deadline) else { return }
            record(headBytes)
            let head = HTTPHead(headBytes)
            var body: [UInt8] = []
            var complete = true
            do {
                if head.isChunked {
                    (body, complete) = try reader.readChunked(deadline: deadline)
                } else if let length = head.contentLength, length > 0 {
                    body = try reader.readUpTo(length, deadline: deadline)
                    complete = body.count == length
                }
            } catch {
                complete = false
            }
            record(body)
            let request = RecordedRequest(connection: connection, index: index, head: head, body: body, complete: complete)
            log.requests.withLock { $0.append(request) }
            guard complete else { return }
            log.replies.add(1, ordering: .acquiringAndReleasing)
            guard perform(handler(request), fd: fd, reader: reader, log: log, deadline: deadline) else { return }
        }
    }

    /// Carries out `reply`; false when the connection is done.
    private static func perform(_ reply: Reply, fd: Int32, reader: BufferedReader, log: Log, deadline: Deadline) -> Bool {
        switch reply {
        case .send(let bytes):
            return (try? TCP.sendAll(fd, bytes, deadline: deadline)) != nil
        case .sendAndClose(let bytes):
            _ = try? TCP.sendAll(fd, bytes, deadline: deadline)
            return false
        case .sendAndHold(let bytes):
            _ = try? TCP.sendAll(fd, bytes, deadline: deadline)
            hold(reader, log: log, deadline: deadline)
            return false
        case .silence:
            hold(reader, log: log, deadline: deadline)
            return false
        case .pattern(let head, let total, let seed):
            guard (try? TCP.sendAll(fd, head, deadline: deadline)) != nil else { return false }
            _ = try? Transfer.sendPattern(fd, total: total, seed: seed, deadline: deadline)
            return false
        case .delayed(let seconds, let then):
            let until = Deadline(seconds: seconds)
            while !until.hasPassed && !log.stopping.load(ordering: .acquiring) {
                MonotonicTime.sleep(min(0.02, until.remaining))
            }
            return perform(then, fd: fd, reader: reader, log: log, deadline: deadline)
        }
    }

    /// Waits, reading and dropping anything more, until the peer closes, the backend stops,
    /// or the deadline.
    private static func hold(_ reader: BufferedReader, log: Log, deadline: Deadline) {
        while !deadline.hasPassed && !log.stopping.load(ordering: .acquiring) {
            guard let n = try? reader.fill(deadline: deadline), n > 0 else {
                if reader.sawEOF || reader.failure != nil { return }
                continue
            }
        }
    }
}
