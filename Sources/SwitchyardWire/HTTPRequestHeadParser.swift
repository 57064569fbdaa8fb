/// An incremental, resumable HTTP/1.1 request head parser (RFC 9112 §2-§6, RFC 9110 §5).
///
/// Call `parse` with the whole unparsed head region each time more bytes have arrived. The
/// region must start at the same byte every time (it may have moved in memory, and it may hold
/// bytes past the head: a body or a pipelined request); the parser remembers how far it got,
/// so the work done over all calls is proportional to the head's length. It never throws for
/// "not yet" and allocates one array per head (the field list), no `String`s.
///
/// After `.complete` the parser is ready for the next head (pass a region starting at that
/// head's first byte). After `.invalid` it keeps answering the same error until `reset()`.
///
/// Strictness, and where the RFC let us choose:
/// - exactly one SP between method, target and version; HTTP/0.9 request lines are refused;
///   `HTTP/0.x` is invalid (400) and `HTTP/2.0` and up are 505, both as nginx;
/// - a bare LF ends a line (nginx does too; heads are rebuilt before forwarding, so it never
///   reaches another parser), a bare CR anywhere is refused;
/// - empty lines before the request line are skipped, counted in the head's length and limit;
/// - every malformed field line, obs-fold included, is refused, never repaired or skipped;
/// - identical duplicate Content-Lengths (`5` twice, or `5, 5`) are accepted as one.
public struct HTTPRequestHeadParser {
    public let limits: HeadLimits
    /// The scanner, the start line and any failure, kept as the response parser keeps them.
    private var state = HeadParserState(RequestLine())

    public init(limits: HeadLimits = HeadLimits()) {
        self.limits = limits
    }

    /// Forgets any partial head or error.
    public mutating func reset() {
        state.reset()
    }

    public mutating func parse(_ buffer: UnsafeRawBufferPointer) -> HeadParseResult<RequestHead> {
        // Each case is built where it is returned, the scan's many exits having passed only
        // the small `HeadProgress`.
        switch state.advance(in: buffer, role: .request, limits: limits) {
        case .needMoreBytes:
            return .needMoreBytes
        case .invalid(let error):
            return .invalid(error)
        case .complete(let headLength):
            return .complete(takeHead(), headLength: headLength)
        }
    }

    /// The head just completed; the parser is then ready for the next one.
    @inline(__always)
    private mutating func takeHead() -> RequestHead {
        let line = state.line
        let facts = state.scanner.facts
        let head = RequestHead(
            method: line.method, target: line.target, targetForm: line.parts.form,
            path: line.parts.path, query: line.parts.query, authority: line.parts.authority,
            version: line.version, headers: state.takeFields(),
            contentLength: facts.contentLength, hasTransferEncoding: facts.hasTransferEncoding,
            isChunked: facts.isChunked, hasOtherTransferCodings: facts.hasOtherTransferCodings,
            host: facts.host, connection: facts.connection, upgrade: facts.upgrade,
            expectsContinue: facts.expectsContinue, isHEAD: line.isHEAD)
        return head
    }
}

@available(*, unavailable)
extension HTTPRequestHeadParser: Sendable {}

/// The request line (RFC 9112 §3).
///
///     request-line = method SP request-target SP HTTP-version
///     method       = token
struct RequestLine: Hashable, Sendable {
    var method = ByteRange.empty
    var target = ByteRange.empty
    var parts = RequestTarget(form: .origin, path: .empty, query: nil, authority: nil)
    var version = HTTPVersion.http1_1
    var isHEAD = false

    /// The common shape read straight from the buffer, before the line's end is known: a
    /// method other than CONNECT, a plain origin-form target (`RequestTarget.plainOriginForm`),
    /// HTTP/1.x and the line end. Parses into `self` what `parse` would make of that line, and
    /// returns the index after its line end, having looked at each byte once; nil for any
    /// other shape (or too few bytes yet), which `parse` then takes in hand. `limit` is the
    /// line's scan limit (`LineScanner.scanLimit`).
    @inline(__always)
    mutating func parsePlain(_ buffer: UnsafeRawBufferPointer, from start: Int, limit: Int, maxLength: Int) -> Int? {
        let methodEnd: Int
        let kind: MethodKind
        if start + 4 <= limit, buffer.loadUnaligned(fromByteOffset: start, as: UInt32.self) == Self.getAndSpace {
            methodEnd = start + 3
            kind = .other
        } else {
            methodEnd = Token.end(in: buffer, from: start, to: limit)
            guard methodEnd > start, methodEnd < limit, buffer[methodEnd] == ASCII.space else { return nil }
            kind = MethodKind(ByteRange(start..<methodEnd), in: buffer)
        }
        let method = ByteRange(start..<methodEnd)
        let targetStart = methodEnd + 1
        guard kind != .connect, let (parts, targetEnd) = RequestTarget.plainOriginForm(buffer, from: targetStart, to: limit),
            targetEnd < limit, buffer[targetEnd] == ASCII.space
        else { return nil }
        let versionEnd = targetEnd + 9
        guard versionEnd < limit, let version = HTTPVersion.parse(buffer, at: targetEnd + 1, count: 8), version.major == 1,
            let next = LineEnd.after(buffer, at: versionEnd, lineStart: start, limit: limit, maxLength: maxLength)
        else { return nil }
        self.method = method
        self.target = ByteRange(targetStart..<targetEnd)
        self.parts = parts
        self.version = version
        self.isHEAD = kind == .head
        return next
    }

    /// `GET ` as a word loaded from memory: most requests start with it.
    private static let getAndSpace = UInt32(littleEndian: 0x2054_4547)

    /// Parses `line` into `self`, which is left in pieces on an error.
    @inline(__always)
    mutating func parse(_ buffer: UnsafeRawBufferPointer, line: Range<Int>) -> HTTPParseError? {
        let end = line.upperBound
        var index = Token.end(in: buffer, from: line.lowerBound, to: end)
        guard index > line.lowerBound, index < end, buffer[index] == ASCII.space else { return .invalidMethod }
        method = ByteRange(line.lowerBound..<index)
        let kind = MethodKind(method, in: buffer)
        isHEAD = kind == .head

        let targetStart = index + 1
        index = targetStart
        if kind != .connect, let (origin, targetEnd) = RequestTarget.plainOriginForm(buffer, from: targetStart, to: end) {
            parts = origin
            index = targetEnd
        } else {
            while index < end, buffer[index] != ASCII.space { index += 1 }
            guard let general = RequestTarget.parse(
                ByteRange(targetStart..<index), in: buffer, methodIsCONNECT: kind == .connect,
                methodIsOPTIONS: kind == .options)
            else { return .invalidRequestTarget }
            parts = general
        }
        target = ByteRange(targetStart..<index)
        // "GET /" with nothing after the target is an HTTP/0.9 request.
        guard index < end else { return .http09Request }

        let versionStart = index + 1
        guard let version = HTTPVersion.parse(buffer, at: versionStart, count: end - versionStart) else {
            return .invalidVersion
        }
        if version.major == 0 { return .invalidVersion }
        if version.major > 1 { return .unsupportedVersion }
        self.version = version
        return nil
    }
}

/// The methods the request parser treats apart: HEAD (no response body), CONNECT and OPTIONS
/// (their own target forms). Methods are case-sensitive (RFC 9110 §9.1).
enum MethodKind {
    case head
    case connect
    case options
    case other

    @inline(__always)
    init(_ method: ByteRange, in buffer: UnsafeRawBufferPointer) {
        switch method.count {
        case 4 where method.equals("HEAD", in: buffer): self = .head
        case 7 where method.equals("CONNECT", in: buffer): self = .connect
        case 7 where method.equals("OPTIONS", in: buffer): self = .options
        default: self = .other
        }
    }
}
