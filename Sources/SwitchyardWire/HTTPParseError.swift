/// Why a head was refused. Each case is one rule of RFC 9110/9112 (or one limit), and carries
/// the status nginx would answer a client with; the caller sends it and closes the connection.
///
/// For an upstream's response head every case means the same thing to the proxy: the upstream
/// is broken, the client gets 502 (nginx passes some of these through; Switchyard does not).
public enum HTTPParseError: Error, Hashable, Sendable {
    // MARK: Start line

    /// The method is empty, holds a byte that is not a `tchar`, or is not followed by one SP.
    case invalidMethod
    /// The request-target is empty, holds a byte outside the RFC 3986 set, a bad `%XX`, or
    /// does not fit the method (origin-form must start with `/`; `*` is for OPTIONS only).
    case invalidRequestTarget
    /// A request line with no version: an HTTP/0.9 request, which is refused.
    case http09Request
    /// The version is not `HTTP/DIGIT.DIGIT` followed by the line end, or its major is 0.
    case invalidVersion
    /// A well-formed version whose major is 2 or more: 505, as nginx answers.
    case unsupportedVersion
    /// A status line that is not `HTTP-version SP 3DIGIT [SP reason-phrase]` (responses only).
    case invalidStatusLine
    /// A status code outside 100...599 (responses only).
    case invalidStatusCode

    // MARK: Lines and fields

    /// A CR not followed by LF anywhere in the head (RFC 9112 §2.2).
    case bareCarriageReturn
    /// Whitespace between the start line and the first field line (RFC 9112 §2.2).
    case whitespaceAfterStartLine
    /// A field line that starts with SP or HTAB: an obs-fold continuation (RFC 9112 §5.2).
    case obsoleteLineFolding
    /// A field line with no `:` at all.
    case missingColon
    /// A field name that is empty or holds a non-`tchar` byte.
    case invalidHeaderName
    /// Whitespace between a field name and its colon (RFC 9112 §5.1: MUST reject with 400).
    case whitespaceBeforeColon
    /// A control byte (NUL, other CTLs, DEL) inside a field value.
    case invalidHeaderValue

    // MARK: Field semantics

    /// More than one Host field line (RFC 9112 §3.2).
    case multipleHost
    /// An HTTP/1.1 request without Host (RFC 9112 §3.2).
    case missingHost
    /// A Host value with a byte that cannot appear in `uri-host [":" port]`.
    case invalidHost
    /// A Content-Length that is not `1*DIGIT` (or a list of such), or too large for an `Int`.
    case invalidContentLength
    /// Content-Length values that differ, in one field or across several (RFC 9110 §8.6).
    case conflictingContentLength
    /// Both Content-Length and Transfer-Encoding (RFC 9112 §6.1: smuggling).
    case contentLengthWithTransferEncoding
    /// A Transfer-Encoding that is empty, holds a non-token element or a coding with parameters.
    case invalidTransferEncoding
    /// A Transfer-Encoding whose final coding is not `chunked`, or that applies `chunked`
    /// twice (RFC 9112 §6.3, §7.1).
    case transferEncodingNotFinallyChunked
    /// A transfer coding we do not know: 501, as nginx answers (RFC 9112 §6.1 SHOULD).
    case unknownTransferCoding
    /// Transfer-Encoding in an HTTP/1.0 message, whose framing is then faulty (RFC 9112 §6.1).
    case transferEncodingInHTTP10

    // MARK: Limits

    /// The request line is longer than the configured limit: 414.
    case requestLineTooLong
    /// One field line is longer than the configured limit: 431.
    case headerLineTooLong
    /// The whole head is larger than the configured limit: 431.
    case headerSectionTooLarge
    /// More field lines than the configured limit: 431.
    case tooManyHeaders

    /// The status to answer a client with for a request head.
    ///
    /// 431 for the header limits where nginx sends 400 "Request Header Or Cookie Too Large":
    /// RFC 6585 gave that situation its own code, and clients and tools understand it.
    public var status: Int {
        switch self {
        case .requestLineTooLong: 414
        case .headerLineTooLong, .headerSectionTooLarge, .tooManyHeaders: 431
        case .unsupportedVersion: 505
        case .unknownTransferCoding: 501
        case .invalidStatusLine, .invalidStatusCode: 502
        default: 400
        }
    }

    /// A short reason in nginx's words, for the error log ("client sent ...").
    public var reason: String {
        switch self {
        case .invalidMethod: "invalid method"
        case .invalidRequestTarget: "invalid request target"
        case .http09Request: "HTTP/0.9 request"
        case .invalidVersion: "invalid version"
        case .unsupportedVersion: "unsupported version"
        case .invalidStatusLine: "invalid status line"
        case .invalidStatusCode: "invalid status code"
        case .bareCarriageReturn: "CR without LF"
        case .whitespaceAfterStartLine: "whitespace after start line"
        case .obsoleteLineFolding: "obsolete line folding"
        case .missingColon: "header line without colon"
        case .invalidHeaderName: "invalid header name"
        case .whitespaceBeforeColon: "whitespace before colon"
        case .invalidHeaderValue: "invalid header value"
        case .multipleHost: "duplicate \"Host\" header"
        case .missingHost: "HTTP/1.1 request without \"Host\" header"
        case .invalidHost: "invalid host header"
        case .invalidContentLength: "invalid \"Content-Length\" header"
        case .conflictingContentLength: "duplicate \"Content-Length\" header"
        case .contentLengthWithTransferEncoding: "\"Content-Length\" and \"Transfer-Encoding\" headers at the same time"
        case .invalidTransferEncoding: "invalid \"Transfer-Encoding\" header"
        case .transferEncodingNotFinallyChunked: "\"Transfer-Encoding\" not ending in \"chunked\""
        case .unknownTransferCoding: "unknown \"Transfer-Encoding\""
        case .transferEncodingInHTTP10: "HTTP/1.0 request with \"Transfer-Encoding\""
        case .requestLineTooLong: "too long URI"
        case .headerLineTooLong: "too long header line"
        case .headerSectionTooLarge: "too large request header"
        case .tooManyHeaders: "too many headers"
        }
    }
}
