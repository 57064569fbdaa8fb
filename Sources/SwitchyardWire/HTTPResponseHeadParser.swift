/// An incremental, resumable HTTP/1.x response head parser, the request parser's twin for what
/// upstreams send (RFC 9112 §4-§6). Same calling convention: the whole unparsed head region
/// each time, `.needMoreBytes` until the head is complete.
///
/// Field lines get the request parser's strictness. Framing that the RFC would let a client
/// guess at is refused instead, as nginx refuses it: Content-Length with Transfer-Encoding, a
/// Transfer-Encoding not ending in chunked or in an HTTP/1.0 response, differing
/// Content-Lengths. Any `.invalid` means the upstream is broken: the client gets 502.
///
/// Leniency, where RFC 9112 §4 leaves room: the reason phrase may be empty, and the SP before
/// it may be missing (`HTTP/1.1 200` then CRLF), as nginx accepts; clients ignore the reason.
public struct HTTPResponseHeadParser {
    public let limits: HeadLimits
    private var scanner: HeadScanner
    private var statusLine: StatusLine?
    private var failure: HTTPParseError?

    public init(limits: HeadLimits = HeadLimits()) {
        self.limits = limits
        self.scanner = HeadScanner(role: .response, limits: limits)
    }

    /// Forgets any partial head or error.
    public mutating func reset() {
        scanner = HeadScanner(role: .response, limits: limits)
        statusLine = nil
        failure = nil
    }

    public mutating func parse(_ buffer: UnsafeRawBufferPointer) -> HeadParseResult<ResponseHead> {
        if let failure { return .invalid(failure) }
        while true {
            switch scanner.next(in: buffer) {
            case .needMoreBytes:
                return .needMoreBytes
            case .invalid(let error):
                return fail(error)
            case .startLine(let line):
                switch StatusLine.parse(buffer, line: line) {
                case .failure(let error): return fail(error)
                case .success(let parsed): statusLine = parsed
                }
            case .complete(let headLength):
                guard let line = statusLine else { preconditionFailure("head complete before its status line") }
                let facts = scanner.facts
                if let error = facts.finish(version: line.version, role: .response) { return fail(error) }
                let head = ResponseHead(
                    version: line.version, status: line.status, reason: line.reason, headers: scanner.fields,
                    contentLength: facts.contentLength, hasTransferEncoding: facts.hasTransferEncoding,
                    isChunked: facts.isChunked, hasOtherTransferCodings: facts.hasOtherTransferCodings,
                    connection: facts.connection, upgrade: facts.upgrade)
                reset()
                return .complete(head, headLength: headLength)
            }
        }
    }

    private mutating func fail(_ error: HTTPParseError) -> HeadParseResult<ResponseHead> {
        failure = error
        return .invalid(error)
    }
}

@available(*, unavailable)
extension HTTPResponseHeadParser: Sendable {}

/// The status line (RFC 9112 §4).
///
///     status-line   = HTTP-version SP status-code SP [ reason-phrase ]
///     status-code   = 3DIGIT
///     reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
struct StatusLine: Hashable, Sendable {
    var version: HTTPVersion
    var status: Int
    var reason: ByteRange

    static func parse(_ buffer: UnsafeRawBufferPointer, line: Range<Int>) -> Result<StatusLine, HTTPParseError> {
        let start = line.lowerBound
        guard line.count >= 12, buffer[start + 8] == ASCII.space else { return .failure(.invalidStatusLine) }
        guard let version = HTTPVersion.parse(buffer, at: start, count: 8) else { return .failure(.invalidStatusLine) }
        if version.major == 0 { return .failure(.invalidVersion) }
        if version.major > 1 { return .failure(.unsupportedVersion) }

        var status = 0
        for index in start + 9..<start + 12 {
            guard let digit = ASCII.decimalValue(buffer[index]) else { return .failure(.invalidStatusLine) }
            status = status * 10 + digit
        }
        guard (100...599).contains(status) else { return .failure(.invalidStatusCode) }

        var reason = ByteRange(offset: line.upperBound, count: 0)
        if line.count > 12 {
            guard buffer[start + 12] == ASCII.space else { return .failure(.invalidStatusLine) }
            reason = ByteRange(start + 13..<line.upperBound)
            for index in reason.range {
                let byte = buffer[index]
                if ByteClass.reasonChar.contains(byte: byte) || ASCII.isWhitespace(byte) { continue }
                return .failure(byte == ASCII.cr ? .bareCarriageReturn : .invalidStatusLine)
            }
        }
        return .success(StatusLine(version: version, status: status, reason: reason))
    }
}
