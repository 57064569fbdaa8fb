import Foundation
import Glibc

/// One HTTP response as a client read it off the wire.
public struct HTTPResponse: Sendable, CustomStringConvertible {
    public let head: HTTPHead
    /// The body exactly as received (chunk framing included when chunked).
    public let body: [UInt8]
    /// Whether the body ended as its framing says (false: the connection ended first).
    public let complete: Bool

    public var status: Int { head.status ?? -1 }
    /// The body's data: dechunked when chunked.
    public var data: [UInt8] { head.isChunked ? (HTTPFraming.dechunk(body) ?? []) : body }
    public var text: String { String(decoding: data, as: UTF8.self) }

    public var description: String {
        let shown = body.count > 400 ? Array(body.prefix(400)).visible + "… (\(body.count) bytes)" : body.visible
        return "\(head) + \(shown)\(complete ? "" : " (incomplete)")"
    }
}

/// A blocking HTTP/1.1 client connection to 127.0.0.1 for byte-exact exchanges: the test
/// writes raw request bytes and reads responses one at a time (pipelining and keep-alive
/// are sequences of both). Not thread-safe; close it in a `defer`.
public final class HTTPConnection {
    public let fd: Int32
    public let reader: BufferedReader

    public init(port: UInt16, timeout: Double = 5) throws {
        fd = try TCP.connect(port: port, timeout: timeout)
        reader = BufferedReader(fd: fd)
    }

    public func close() { TCP.close(fd) }

    public func send(_ bytes: [UInt8], timeout: Double = 5) throws {
        try TCP.sendAll(fd, bytes, deadline: Deadline(seconds: timeout))
    }

    public func send(_ text: String, timeout: Double = 5) throws {
        try send(Array(text.utf8), timeout: timeout)
    }

    /// The next head (of any status, 1xx included), or nil if the connection ends first.
    public func readHead(timeout: Double = 5) throws -> HTTPHead? {
        try reader.readHead(deadline: Deadline(seconds: timeout)).map(HTTPHead.init)
    }

    /// The next response to a request with `method`: its head, then its body as the head
    /// frames it (none for HEAD, 1xx, 204 and 304; chunked; Content-Length; else until
    /// close). nil when the connection ends before a head. Throws at the deadline.
    public func readResponse(method: String = "GET", timeout: Double = 5) throws -> HTTPResponse? {
        let deadline = Deadline(seconds: timeout)
        guard let bytes = try reader.readHead(deadline: deadline) else { return nil }
        let head = HTTPHead(bytes)
        let status = head.status ?? 0
        if method == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304 {
            return HTTPResponse(head: head, body: [], complete: true)
        }
        if head.isChunked {
            let (raw, complete) = try reader.readChunked(deadline: deadline)
            return HTTPResponse(head: head, body: raw, complete: complete)
        }
        if let length = head.contentLength {
            let body = try reader.readUpTo(length, deadline: deadline)
            return HTTPResponse(head: head, body: body, complete: body.count == length)
        }
        return HTTPResponse(head: head, body: try reader.readToEnd(deadline: deadline), complete: true)
    }

    /// Waits up to `timeout` seconds for the peer to end the connection; returns how it
    /// ended and any bytes that came first.
    public func waitForEnd(timeout: Double) -> (end: TCP.End, extra: [UInt8]) {
        let deadline = Deadline(seconds: timeout)
        while true {
            let n: Int
            do { n = try reader.fill(deadline: deadline) } catch { return (.timedOut, reader.take(reader.pending.count)) }
            if n > 0 { continue }
            let extra = reader.take(reader.pending.count)
            if let failure = reader.failure { return (failure.code == ECONNRESET ? .reset : .error(failure.code ?? 0), extra) }
            return (.eof, extra)
        }
    }
}

/// One-shot exchanges on a fresh connection.
public enum HTTPClient {
    /// Connects to 127.0.0.1:`port`, sends `request`, reads one response (framed for
    /// `method`) within `timeout` seconds, and closes. Throws if none comes.
    public static func exchange(port: UInt16, _ request: [UInt8], method: String = "GET", timeout: Double = 5) throws -> HTTPResponse {
        let connection = try HTTPConnection(port: port)
        defer { connection.close() }
        try connection.send(request, timeout: timeout)
        guard let response = try connection.readResponse(method: method, timeout: timeout) else {
            throw HarnessError("the connection ended (\(connection.reader.endDescription)) without a response to \(request.visible)")
        }
        return response
    }

    public static func exchange(port: UInt16, _ request: String, method: String = "GET", timeout: Double = 5) throws -> HTTPResponse {
        try exchange(port: port, Array(request.utf8), method: method, timeout: timeout)
    }

    /// A GET request's bytes: `GET target HTTP/1.1`, `Host: localhost`, `headers`.
    public static func request(_ target: String, headers: [String] = [], host: String? = "localhost") -> String {
        request("GET", target, headers: headers, host: host)
    }

    /// A request's bytes: `METHOD target HTTP/1.1`, `Host: localhost` (or `host`, or none
    /// when nil), `headers`, then `body`.
    public static func request(_ method: String, _ target: String, headers: [String] = [], body: String = "",
                               host: String? = "localhost") -> String {
        let lines = ["\(method) \(target) HTTP/1.1"] + (host.map { ["Host: \($0)"] } ?? []) + headers
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }
}

/// `curl` as a real client: spawned with posix_spawn (no inherited descriptors), killed if
/// it outlives its timeout.
public enum Curl {
    public static let path = "/usr/bin/curl"

    public static var isAvailable: Bool { access(path, X_OK) == 0 }

    /// What a `curl -i` run printed: every response head (a `100 Continue` first, when there
    /// was one), the bodies as text, and stderr.
    public struct Output: Sendable, CustomStringConvertible {
        public let status: ExitStatus
        public let heads: [HTTPHead]
        /// The body of each final response, in order (one per URL fetched).
        public let bodies: [String]
        /// Every body, concatenated.
        public var body: String { bodies.joined() }
        public let stdout: String
        public let stderr: String

        /// The final response's status code, or -1.
        public var code: Int { heads.last?.status ?? -1 }
        public var head: HTTPHead? { heads.last }

        public var description: String {
            "curl \(status); stdout: \(stdout.debugDescription); stderr: \(stderr.debugDescription)"
        }
    }

    /// Runs `curl -s -S -m <timeout> -i` with `arguments` (to at most `timeout` + 5 s), and
    /// splits its output into heads and body.
    public static func run(_ arguments: [String], timeout: Double = 5) throws -> Output {
        let directory = try TempDirectory(prefix: "switchyard-curl")
        defer { directory.remove() }
        let out = directory.file("stdout"), err = directory.file("stderr")
        let argv = [path, "-s", "-S", "-m", String(Int(timeout.rounded(.up))), "-i"] + arguments
        let pid = try SwitchyardProcess.spawn(argv, stdout: out, stderr: err)
        let status = SwitchyardProcess.reap(pid, timeout: timeout + 5)
        let stdoutText = TempDirectory.read(path: out) ?? ""
        let stderrText = TempDirectory.read(path: err) ?? ""
        let (heads, bodies) = split(Array(stdoutText.utf8))
        return Output(status: status, heads: heads, bodies: bodies, stdout: stdoutText, stderr: stderrText)
    }

    /// Splits `-i` output into heads and bodies: after each final head, as many bytes as its
    /// Content-Length says (all the rest without one), then the next head.
    static func split(_ output: [UInt8]) -> (heads: [HTTPHead], bodies: [String]) {
        var rest = output[...]
        var heads: [HTTPHead] = []
        var bodies: [String] = []
        for _ in 0..<64 {
            guard rest.starts(with: Array("HTTP/".utf8)), let end = HTTPFraming.headEnd(Array(rest)) else { break }
            let head = HTTPHead(Array(rest.prefix(end)))
            heads.append(head)
            rest = rest.dropFirst(end)
            if let status = head.status, (100..<200).contains(status) { continue }
            let length = head.contentLength.map { min($0, rest.count) } ?? rest.count
            bodies.append(String(decoding: rest.prefix(length), as: UTF8.self))
            rest = rest.dropFirst(length)
        }
        if !rest.isEmpty { bodies.append(String(decoding: rest, as: UTF8.self)) }
        return (heads, bodies)
    }
}
