/// A parsed request head: byte ranges into the buffer it was parsed from, and the semantic
/// facts the proxy acts on, resolved once by the parser.
///
/// Ranges stay valid as long as the bytes of the head stay where they were when parsed
/// (offsets are relative to the head's first byte, leading empty lines included).
public struct RequestHead: Hashable, Sendable {
    /// The method token (case-sensitive, RFC 9110 §9.1).
    public var method: ByteRange
    /// The whole request-target.
    public var target: ByteRange
    public var targetForm: RequestTargetForm
    /// The path part of the target (see `RequestTarget`): empty for `*`, CONNECT and an
    /// absolute-form target without a path (which means `/`).
    public var path: ByteRange
    /// What follows `?` in the target, without it; nil when the target has no `?`.
    public var query: ByteRange?
    /// The authority of an absolute-form or authority-form target.
    public var authority: ByteRange?
    public var version: HTTPVersion
    /// Every field line, in order, names as sent, values trimmed of OWS.
    public var headers: [HTTPHeaderField]

    /// The Content-Length, if one was sent (identical duplicates folded into one).
    public var contentLength: Int?
    /// Transfer-Encoding was present (and valid: its final coding is `chunked`).
    public var hasTransferEncoding: Bool
    /// The body is chunked.
    public var isChunked: Bool
    /// Transfer-Encoding named codings besides `chunked` (such as `gzip, chunked`).
    public var hasOtherTransferCodings: Bool
    /// The Host value (possibly empty); nil only for an HTTP/1.0 request without Host.
    public var host: ByteRange?
    /// The options of every Connection line the proxy acts on.
    public var connection: ConnectionOptions
    /// The value of the first Upgrade line.
    public var upgrade: ByteRange?
    /// Expect holds `100-continue`.
    public var expectsContinue: Bool
    /// The method is `HEAD`, so the response will have no body.
    public var isHEAD: Bool

    /// How the body is delimited (RFC 9112 §6.3).
    public var bodyFraming: RequestBodyFraming {
        if isChunked { return .chunked }
        if let contentLength { return .contentLength(contentLength) }
        return .none
    }

    /// The client asks to keep the connection open after this exchange (RFC 9112 §9.3).
    public var keepAlive: Bool { connection.persists(version: version) }

    /// The client asks to switch protocols on this connection: an Upgrade field named by
    /// Connection (RFC 9110 §7.8).
    public var isUpgradeRequest: Bool { upgrade != nil && connection.contains(.upgrade) }
}
