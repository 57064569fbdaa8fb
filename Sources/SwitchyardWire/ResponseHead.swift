/// A parsed response head: byte ranges into the buffer it was parsed from, and the facts the
/// proxy acts on.
public struct ResponseHead: Hashable, Sendable {
    public var version: HTTPVersion
    /// The status code, 100...599.
    public var status: Int
    /// The reason phrase, possibly empty. Clients ignore it (RFC 9112 §4).
    public var reason: ByteRange
    /// Every field line, in order, names as sent, values trimmed of OWS.
    public var headers: [HTTPHeaderField]

    public var contentLength: Int?
    /// Transfer-Encoding was present (and valid: its final coding is `chunked`).
    public var hasTransferEncoding: Bool
    public var isChunked: Bool
    /// Transfer-Encoding named codings besides `chunked`.
    public var hasOtherTransferCodings: Bool
    public var connection: ConnectionOptions
    /// The value of the first Upgrade line.
    public var upgrade: ByteRange?

    /// A 1xx interim response: another head follows on the same connection.
    public var isInformational: Bool { status < 200 }

    /// `101 Switching Protocols`: after this head the connection carries the protocol named by
    /// Upgrade (RFC 9110 §15.2.2).
    public var isSwitchingProtocols: Bool { status == 101 }

    /// The upstream is willing to keep the connection open (RFC 9112 §9.3). A response
    /// delimited by close ends the connection whatever this says.
    public var keepAlive: Bool { connection.persists(version: version) }

    /// How the body is delimited (RFC 9112 §6.3), given whether the request was HEAD:
    /// none for HEAD, 1xx, 204 and 304 (whatever Content-Length says; for HEAD and 304 it
    /// describes the representation, not a body), then chunked, then Content-Length, else the
    /// body runs until the upstream closes. (A 2xx to CONNECT becomes a tunnel; the proxy
    /// decides that before asking.)
    public func bodyFraming(requestMethodIsHEAD: Bool) -> BodyFraming {
        if requestMethodIsHEAD || isInformational || status == 204 || status == 304 { return .none }
        if isChunked { return .chunked }
        if let contentLength { return .contentLength(contentLength) }
        return .untilClose
    }
}
