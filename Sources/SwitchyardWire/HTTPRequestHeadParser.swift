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
    private var scanner: HeadScanner
    private var requestLine: RequestLine?
    private var failure: HTTPParseError?

    public init(limits: HeadLimits = HeadLimits()) {
        self.limits = limits
        self.scanner = HeadScanner(role: .request, limits: limits)
    }

    /// Forgets any partial head or error.
    public mutating func reset() {
        scanner = HeadScanner(role: .request, limits: limits)
        requestLine = nil
        failure = nil
    }

    public mutating func parse(_ buffer: UnsafeRawBufferPointer) -> HeadParseResult<RequestHead> {
        if let failure { return .invalid(failure) }
        while true {
            switch scanner.next(in: buffer) {
            case .needMoreBytes:
                return .needMoreBytes
            case .invalid(let error):
                return fail(error)
            case .startLine(let line):
                switch RequestLine.parse(buffer, line: line) {
                case .failure(let error): return fail(error)
                case .success(let parsed): requestLine = parsed
                }
            case .complete(let headLength):
                guard let line = requestLine else { preconditionFailure("head complete before its request line") }
                let facts = scanner.facts
                if let error = facts.finish(version: line.version, role: .request) { return fail(error) }
                let head = RequestHead(
                    method: line.method, target: line.target, targetForm: line.parts.form,
                    path: line.parts.path, query: line.parts.query, authority: line.parts.authority,
                    version: line.version, headers: scanner.fields,
                    contentLength: facts.contentLength, hasTransferEncoding: facts.hasTransferEncoding,
                    isChunked: facts.isChunked, hasOtherTransferCodings: facts.hasOtherTransferCodings,
                    host: facts.host, connection: facts.connection, upgrade: facts.upgrade,
                    expectsContinue: facts.expectsContinue, isHEAD: line.method.equals("HEAD", in: buffer))
                reset()
                return .complete(head, headLength: headLength)
            }
        }
    }

    private mutating func fail(_ error: HTTPParseError) -> HeadParseResult<RequestHead> {
        failure = error
        return .invalid(error)
    }
}

@available(*, unavailable)
extension HTTPRequestHeadParser: Sendable {}

/// The request line (RFC 9112 §3).
///
///     request-line = method SP request-target SP HTTP-version
///     method       = token
struct RequestLine: Hashable, Sendable {
    var method: ByteRange
    var target: ByteRange
    var parts: RequestTarget
    var version: HTTPVersion

    static func parse(_ buffer: UnsafeRawBufferPointer, line: Range<Int>) -> Result<RequestLine, HTTPParseError> {
        var index = line.lowerBound
        let end = line.upperBound
        while index < end, ByteClass.tchar.contains(byte: buffer[index]) { index += 1 }
        guard index > line.lowerBound, index < end, buffer[index] == ASCII.space else { return .failure(.invalidMethod) }
        let method = ByteRange(line.lowerBound..<index)

        let targetStart = index + 1
        index = targetStart
        while index < end, buffer[index] != ASCII.space { index += 1 }
        let target = ByteRange(targetStart..<index)
        let methodIsCONNECT = method.equals("CONNECT", in: buffer)
        guard let parts = RequestTarget.parse(
            target, in: buffer, methodIsCONNECT: methodIsCONNECT,
            methodIsOPTIONS: method.equals("OPTIONS", in: buffer))
        else { return .failure(.invalidRequestTarget) }
        // "GET /" with nothing after the target is an HTTP/0.9 request.
        guard index < end else { return .failure(.http09Request) }

        let versionStart = index + 1
        guard let version = HTTPVersion.parse(buffer, at: versionStart, count: end - versionStart) else {
            return .failure(.invalidVersion)
        }
        if version.major == 0 { return .failure(.invalidVersion) }
        if version.major > 1 { return .failure(.unsupportedVersion) }
        return .success(RequestLine(method: method, target: target, parts: parts, version: version))
    }
}
