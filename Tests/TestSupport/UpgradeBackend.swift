import Glibc
import Synchronization

/// A backend on 127.0.0.1 for HTTP/1.1 Upgrade (WebSocket) tests. A thread per connection
/// (`ThreadedServer`): it reads a request head (to CRLFCRLF), records it, and answers as the
/// handler says: a `101 Switching Protocols` (with, in the same write, some early bytes of
/// its own) and from then on an echo of every byte until EOF; or an ordinary response, after
/// which it reads the next request on the same connection. No WebSocket framing: a byte echo
/// is what proves a tunnel.
public final class UpgradeBackend: Sendable {
    /// What to do with a request head.
    public enum Answer: Sendable {
        /// `101 Switching Protocols` (`UpgradeBackend.switchingProtocols`) and `early` in one
        /// send, then echo every byte (those that came right after the head first) until EOF;
        /// then send `farewell` (if any) and close.
        case switchProtocols(early: [UInt8] = [], farewell: [UInt8] = [])
        /// Send these bytes (a whole response) and read the next request on the connection.
        case respond([UInt8])
    }

    public typealias Handler = @Sendable (HTTPHead) -> Answer

    /// The 101 head this backend sends.
    public static let switchingProtocols = Array(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").utf8)

    /// A whole response with `Content-Length`: `HTTP/1.1 status reason`, `headers`, `body`.
    public static func response(_ status: Int, reason: String, headers: [String] = [], body: String = "") -> [UInt8] {
        RecordingHTTPBackend.response(status, reason: reason, headers: headers + ["Content-Length: \(body.utf8.count)"],
                                      body: Array(body.utf8))
    }

    /// Switches protocols (with `early` bytes) for a request with an `Upgrade` field; answers
    /// any other request `200 OK` with the body `plain <target>`.
    public static func upgradeWhenAsked(early: [UInt8] = [], farewell: [UInt8] = []) -> Handler {
        { head in
            guard head.has("Upgrade") else {
                let target = head.startLine.split(separator: " ").dropFirst().first.map(String.init) ?? ""
                return .respond(response(200, reason: "OK", body: "plain \(target)"))
            }
            return .switchProtocols(early: early, farewell: farewell)
        }
    }

    /// Switches protocols whatever the request asked.
    public static func always101(early: [UInt8] = []) -> Handler {
        { _ in .switchProtocols(early: early) }
    }

    /// How one switched connection went on the backend's side.
    public struct Tunnel: Sendable, CustomStringConvertible {
        /// Which accepted connection (0, 1, ...).
        public let connection: Int
        /// Every byte received after the 101 (including any that came with the head).
        public var received = StreamDigest()
        /// The first `prefixLimit` of those bytes.
        public var prefix: [UInt8] = []
        /// How many bytes were echoed back.
        public var echoed = 0
        /// How the client side ended (nil while the tunnel is open).
        public var end: TCP.End?
        /// Seconds (`MonotonicTime`) when the end came.
        public var endedAt: Double?
        /// Whether the farewell went out whole after EOF.
        public var saidFarewell = false

        public var description: String {
            "connection \(connection): received \(received), echoed \(echoed), end \(end.map { "\($0)" } ?? "open")"
                + (saidFarewell ? ", farewell sent" : "")
        }
    }

    public static let prefixLimit = 64 << 10

    private let server: ThreadedServer
    private let log: Log
    public var port: UInt16 { server.port }

    private final class Log: Sendable {
        let heads = Mutex<[HTTPHead]>([])
        let tunnels = Mutex<[Int: Tunnel]>([:])
        let connections = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
    }

    /// `timeout` bounds how long one connection's handler lives.
    public init(timeout: Double = 60, handler: @escaping Handler = UpgradeBackend.upgradeWhenAsked()) throws {
        let log = Log()
        self.log = log
        server = try ThreadedServer { fd in
            let connection = log.connections.add(1, ordering: .acquiringAndReleasing).oldValue
            UpgradeBackend.serve(fd, connection: connection, log: log, deadline: Deadline(seconds: timeout), handler: handler)
        }
    }

    deinit { stop() }

    /// Every request head read, in order.
    public var heads: [HTTPHead] { log.heads.withLock { $0 } }

    /// Every switched connection so far, in accept order.
    public var tunnels: [Tunnel] { log.tunnels.withLock { tunnels in tunnels.keys.sorted().map { tunnels[$0]! } } }

    public var connectionCount: Int { server.acceptedCount }

    /// The first `count` request heads, or nil if they do not arrive within `timeout`.
    public func waitForHeads(_ count: Int, timeout: Double = 5) -> [HTTPHead]? {
        var result: [HTTPHead] = []
        let done = waitUntil(timeout: timeout) {
            result = heads
            return result.count >= count
        }
        return done ? result : nil
    }

    /// The first switched connection once it has ended, or nil if it does not end in time.
    public func waitForTunnelEnd(timeout: Double) -> Tunnel? {
        var result: Tunnel?
        let done = waitUntil(timeout: timeout) {
            result = tunnels.first
            return result?.end != nil
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
        for _ in 0..<1000 {
            if log.stopping.load(ordering: .acquiring) { return }
            guard let headBytes = try? reader.readHead(deadline: deadline) else { return }
            let head = HTTPHead(headBytes)
            log.heads.withLock { $0.append(head) }
            switch handler(head) {
            case .respond(let bytes):
                guard (try? TCP.sendAll(fd, bytes, deadline: deadline)) != nil else { return }
            case .switchProtocols(let early, let farewell):
                log.tunnels.withLock { $0[connection] = Tunnel(connection: connection) }
                guard (try? TCP.sendAll(fd, switchingProtocols + early, deadline: deadline)) != nil else {
                    update(log, connection) { $0.end = .error(errno); $0.endedAt = MonotonicTime.now() }
                    return
                }
                echo(fd, reader: reader, connection: connection, log: log, deadline: deadline, farewell: farewell)
                return
            }
        }
    }

    private static func update(_ log: Log, _ connection: Int, _ change: (inout Tunnel) -> Void) {
        log.tunnels.withLock { tunnels in
            if var tunnel = tunnels[connection] {
                change(&tunnel)
                tunnels[connection] = tunnel
            }
        }
    }

    /// Echoes every byte (those already buffered first) until EOF, an error, the deadline or
    /// `stop()`; after EOF sends `farewell`.
    private static func echo(_ fd: Int32, reader: BufferedReader, connection: Int, log: Log, deadline: Deadline,
                             farewell: [UInt8]) {
        func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
            update(log, connection) { tunnel in
                tunnel.received.add(bytes)
                let room = UpgradeBackend.prefixLimit - tunnel.prefix.count
                if room > 0 { tunnel.prefix += bytes.prefix(room) }
            }
            do {
                try TCP.sendAll(fd, bytes, deadline: deadline)
            } catch {
                let code = (error as? HarnessError)?.code ?? -1
                update(log, connection) { $0.end = code == ECONNRESET ? .reset : .error(code); $0.endedAt = MonotonicTime.now() }
                return false
            }
            update(log, connection) { $0.echoed += bytes.count }
            return true
        }
        if !reader.pending.isEmpty {
            let early = reader.take(reader.pending.count)
            guard early.withUnsafeBytes({ received($0) }) else { return }
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            if log.stopping.load(ordering: .acquiring) { return }
            let n: Int
            do {
                n = try TCP.receiveSome(fd, into: buffer, deadline: deadline)
            } catch {
                let code = (error as? HarnessError)?.code ?? -1
                let end: TCP.End = code == ECONNRESET ? .reset : code == ETIMEDOUT ? .timedOut : .error(code)
                update(log, connection) { $0.end = end; $0.endedAt = MonotonicTime.now() }
                return
            }
            if n == 0 { break }
            guard received(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) else { return }
        }
        let sent = farewell.isEmpty || (try? TCP.sendAll(fd, farewell, deadline: deadline)) != nil
        update(log, connection) {
            $0.end = .eof
            $0.endedAt = MonotonicTime.now()
            $0.saidFarewell = sent && !farewell.isEmpty
        }
    }
}
