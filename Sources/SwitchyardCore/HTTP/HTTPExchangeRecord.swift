import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire

/// What the variables of one request can read: the client's head (copied out of the ring
/// once, so it outlives the ring's reuse for the next request), the connection, the route
/// taken, and what happened upstream. Built on the loop thread, read by the evaluator and the
/// access log when the request ends. A connection's next request reuses it (`restart`), so
/// keep-alive requests allocate neither the record nor the head's copy.
final class HTTPExchangeRecord {
    private(set) var headBytes: [UInt8]
    private(set) var head: RequestHead
    let clientAddress: SocketAddress
    let serverAddress: SocketAddress
    let connectionNumber: UInt64
    private(set) var connectionRequests: Int
    private(set) var startedMs: Int64
    /// `$uri`: the normalized path.
    var uri: String
    var serverName = ""
    var captures: RegexCaptures?
    var proxyHost = ""
    var upstreamAddress = ""
    var upstreamStatus = 0
    var upstreamConnectMs: Int64?
    var upstreamResponseMs: Int64?
    /// The servers tried before the current one (`proxy_next_upstream`), oldest first: the
    /// `$upstream_*` variables list every try, comma-separated, as nginx's do.
    var earlierTries: [UpstreamTry] = []

    struct UpstreamTry {
        var address: String
        var status: Int
        var connectMs: Int64?
        var responseMs: Int64?
    }

    /// Files the current try as an earlier one before the next server is asked. A try that
    /// ended without a response counts as nginx counts it: 504 after a timeout, else 502.
    func startNextTry(timedOut: Bool) {
        guard !upstreamAddress.isEmpty else { return }
        earlierTries.append(UpstreamTry(
            address: upstreamAddress, status: upstreamStatus != 0 ? upstreamStatus : (timedOut ? 504 : 502),
            connectMs: upstreamConnectMs, responseMs: upstreamResponseMs))
        upstreamAddress = ""
        upstreamStatus = 0
        upstreamConnectMs = nil
        upstreamResponseMs = nil
    }
    var status = 0
    var bytesSent: UInt64 = 0
    var bodyBytesSent: UInt64 = 0
    private(set) var requestLength: UInt64
    /// Map results already computed for this request (nginx caches non-volatile maps).
    var mapCache: [Int: [UInt8]] = [:]

    init(headBytes: [UInt8], head: RequestHead, uri: String, clientAddress: SocketAddress, serverAddress: SocketAddress,
         connectionNumber: UInt64, connectionRequests: Int, startedMs: Int64) {
        self.headBytes = headBytes
        self.head = head
        self.uri = uri
        self.clientAddress = clientAddress
        self.serverAddress = serverAddress
        self.connectionNumber = connectionNumber
        self.connectionRequests = connectionRequests
        self.startedMs = startedMs
        self.requestLength = UInt64(headBytes.count)
    }

    /// Makes the record that of the connection's next request, copying its head in.
    func restart(head: RequestHead, bytes: UnsafeRawBufferPointer, connectionRequests: Int, startedMs: Int64) {
        headBytes.removeAll(keepingCapacity: true)
        headBytes.append(contentsOf: bytes)
        self.head = head
        self.connectionRequests = connectionRequests
        self.startedMs = startedMs
        requestLength = UInt64(bytes.count)
        uri = ""
        serverName = ""
        captures = nil
        proxyHost = ""
        upstreamAddress = ""
        upstreamStatus = 0
        upstreamConnectMs = nil
        upstreamResponseMs = nil
        earlierTries.removeAll(keepingCapacity: true)
        status = 0
        bytesSent = 0
        bodyBytesSent = 0
        mapCache.removeAll(keepingCapacity: true)
        cachedHost = nil
    }

    func withHead<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        headBytes.withUnsafeBytes(body)
    }

    func text(_ range: ByteRange) -> String {
        withHead { range.string(in: $0) }
    }

    /// Every value of the request fields named `lowercasedName`, in order.
    func fieldValues(_ lowercasedName: [UInt8]) -> [ByteRange] {
        withHead { buffer in
            head.headers.filter { $0.name.equalsCaseInsensitive(lowercasedName, in: buffer) }.map(\.value)
        }
    }

    /// `$host`: the request line's host, else Host, else the server name; lower-case, no port.
    var host: String {
        if let cachedHost { return cachedHost }
        let raw: String
        if let authority = head.authority {
            raw = text(authority)
        } else if let host = head.host, !host.isEmpty {
            raw = text(host)
        } else {
            return serverName  // may still change while the server is chosen: not cached
        }
        let stripped = Self.stripPort(raw)
        // Hosts are nearly always lower-case ASCII already; String.lowercased() is not free.
        let host = stripped.utf8.contains(where: { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || $0 >= 0x80 })
            ? stripped.lowercased() : stripped
        cachedHost = host
        return host
    }

    /// `host` once computed from the request: server selection, logs and variables ask often.
    private var cachedHost: String?

    /// On the UTF-8 view: searching a String by Character costs thousands of instructions
    /// per request, and a host is ASCII.
    static func stripPort(_ authority: String) -> String {
        let bytes = authority.utf8
        if bytes.first == UInt8(ascii: "[") {
            if let close = bytes.firstIndex(of: UInt8(ascii: "]")) { return String(authority[...close]) }
            return authority
        }
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")) { return String(authority[..<colon]) }
        return authority
    }
}

@available(*, unavailable)
extension HTTPExchangeRecord: Sendable {}
