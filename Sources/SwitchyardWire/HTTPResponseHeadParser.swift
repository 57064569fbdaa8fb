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
    /// The scanner, the start line and any failure, kept as the request parser keeps them.
    private var state = HeadParserState(StatusLine())

    public init(limits: HeadLimits = HeadLimits()) {
        self.limits = limits
    }

    /// Forgets any partial head or error.
    public mutating func reset() {
        state.reset()
    }

    public mutating func parse(_ buffer: UnsafeRawBufferPointer) -> HeadParseResult<ResponseHead> {
        // As in `HTTPRequestHeadParser`: each case built where it is returned.
        switch state.advance(in: buffer, role: .response, limits: limits) {
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
    private mutating func takeHead() -> ResponseHead {
        let line = state.line
        let facts = state.scanner.facts
        let head = ResponseHead(
            version: line.version, status: line.status, reason: line.reason, headers: state.takeFields(),
            contentLength: facts.contentLength, hasTransferEncoding: facts.hasTransferEncoding,
            isChunked: facts.isChunked, hasOtherTransferCodings: facts.hasOtherTransferCodings,
            connection: facts.connection, upgrade: facts.upgrade)
        return head
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
    var version = HTTPVersion.http1_1
    var status = 0
    var reason = ByteRange.empty

    /// The common shape read straight from the buffer, before the line's end is known:
    /// HTTP/1.x, a status code of 100...599, a reason phrase or none, and the line end. Parses
    /// into `self` what `parse` would make of that line and returns the index after its line
    /// end, having looked at each byte once; nil for any other shape (or too few bytes yet),
    /// which `parse` then takes in hand. `limit` is the line's scan limit.
    @inline(__always)
    mutating func parsePlain(_ buffer: UnsafeRawBufferPointer, from start: Int, limit: Int, maxLength: Int) -> Int? {
        guard start + 12 < limit, buffer[start + 8] == ASCII.space,
            let version = HTTPVersion.parse(buffer, at: start, count: 8), version.major == 1,
            let status = Self.statusCode(buffer, at: start + 9)
        else { return nil }
        var index = start + 12
        var reason = ByteRange(offset: index, count: 0)
        if buffer[index] == ASCII.space {
            let reasonStart = index + 1
            index = reasonStart
            while index < limit, ByteClass.reasonChar.contains(byte: buffer[index]) || ASCII.isWhitespace(buffer[index]) {
                index += 1
            }
            reason = ByteRange(reasonStart..<index)
        }
        guard let next = LineEnd.after(buffer, at: index, lineStart: start, limit: limit, maxLength: maxLength) else {
            return nil
        }
        self.version = version
        self.status = status
        self.reason = reason
        return next
    }

    /// The three digits at `index` as a status code of 100...599, or nil.
    @inline(__always)
    private static func statusCode(_ buffer: UnsafeRawBufferPointer, at index: Int) -> Int? {
        guard let hundreds = ASCII.decimalValue(buffer[index]), let tens = ASCII.decimalValue(buffer[index + 1]),
            let ones = ASCII.decimalValue(buffer[index + 2])
        else { return nil }
        let status = hundreds * 100 + tens * 10 + ones
        return (100...599).contains(status) ? status : nil
    }

    /// Parses `line` into `self`, which is left in pieces on an error.
    @inline(__always)
    mutating func parse(_ buffer: UnsafeRawBufferPointer, line: Range<Int>) -> HTTPParseError? {
        let start = line.lowerBound
        guard line.count >= 12, buffer[start + 8] == ASCII.space else { return .invalidStatusLine }
        guard let version = HTTPVersion.parse(buffer, at: start, count: 8) else { return .invalidStatusLine }
        if version.major == 0 { return .invalidVersion }
        if version.major > 1 { return .unsupportedVersion }
        self.version = version

        var status = 0
        for index in start + 9..<start + 12 {
            guard let digit = ASCII.decimalValue(buffer[index]) else { return .invalidStatusLine }
            status = status * 10 + digit
        }
        guard (100...599).contains(status) else { return .invalidStatusCode }
        self.status = status

        reason = ByteRange(offset: line.upperBound, count: 0)
        if line.count > 12 {
            guard buffer[start + 12] == ASCII.space else { return .invalidStatusLine }
            reason = ByteRange(start + 13..<line.upperBound)
            for index in reason.range {
                let byte = buffer[index]
                if ByteClass.reasonChar.contains(byte: byte) || ASCII.isWhitespace(byte) { continue }
                return byte == ASCII.cr ? .bareCarriageReturn : .invalidStatusLine
            }
        }
        return nil
    }
}
