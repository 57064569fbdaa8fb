/// A head's first line as the parsers read it: the common plain form straight from the
/// buffer (`parsePlain`, nil when the line is anything else), otherwise the line the
/// scanner cut (`parse`, which accepts and rejects exactly as before the fast path).
protocol HeadStartLine {
    mutating func parsePlain(_ buffer: UnsafeRawBufferPointer, from start: Int, limit: Int, maxLength: Int) -> Int?
    mutating func parse(_ buffer: UnsafeRawBufferPointer, line: Range<Int>) -> HTTPParseError?
    var version: HTTPVersion { get }
}

extension RequestLine: HeadStartLine {}
extension StatusLine: HeadStartLine {}

extension HeadScanner {
    /// One step through a head, the same for requests and responses: the start line once,
    /// then field lines up to the empty line. An error is returned, not kept: the parser
    /// remembers it.
    @inline(__always)
    mutating func advance<Line: HeadStartLine>(_ line: inout Line, in buffer: UnsafeRawBufferPointer,
                                               role: HeaderFacts.Role, limits: HeadLimits) -> HeadProgress {
        if !sawStartLine, let progress = advanceThroughStartLine(&line, in: buffer, role: role, limits: limits) {
            return progress
        }
        switch nextFields(in: buffer, role: role, limits: limits) {
        case .needMoreBytes:
            return .needMoreBytes
        case .invalid(let error):
            return .invalid(error)
        case .complete(let headLength):
            if let error = facts.finish(version: line.version, role: role) { return .invalid(error) }
            return .complete(headLength: headLength)
        }
    }

    /// Nil once the start line is parsed. Apart from `advance`, whose field loop is hotter.
    @inline(never)
    private mutating func advanceThroughStartLine<Line: HeadStartLine>(
        _ startLine: inout Line, in buffer: UnsafeRawBufferPointer, role: HeaderFacts.Role, limits: HeadLimits
    ) -> HeadProgress? {
        if let (start, limit) = unscannedStartLine(in: buffer, limits: limits),
            let next = startLine.parsePlain(buffer, from: start, limit: limit, maxLength: limits.maxStartLineLength) {
            takeStartLine(endingBefore: next)
            return nil
        }
        switch nextStartLine(in: buffer, role: role, limits: limits) {
        case .needMoreBytes:
            return .needMoreBytes
        case .invalid(let error):
            return .invalid(error)
        case .line(let line):
            if let error = startLine.parse(buffer, line: line) { return .invalid(error) }
            return nil
        }
    }
}

/// What the request and response parsers keep between calls, the same for both: the scanner,
/// the start line, a failure once one is found (every later call returns it), and whether
/// `reset` has anything to forget (callers reset after every head, and a parser that has just
/// handed one out has nothing left).
struct HeadParserState<Line: HeadStartLine> {
    var scanner = HeadScanner()
    /// Meaningful once `scanner.sawStartLine`.
    var line: Line
    private var failure: HTTPParseError?
    private var mayHoldState = false

    init(_ line: Line) {
        self.line = line
    }

    mutating func reset() {
        guard mayHoldState else { return }
        scanner = HeadScanner()
        failure = nil
        mayHoldState = false
    }

    @inline(__always)
    mutating func advance(in buffer: UnsafeRawBufferPointer, role: HeaderFacts.Role, limits: HeadLimits) -> HeadProgress {
        if let failure { return .invalid(failure) }
        mayHoldState = true
        let progress = scanner.advance(&line, in: buffer, role: role, limits: limits)
        if case .invalid(let error) = progress { failure = error }
        return progress
    }

    /// The head's fields, handed out once it is complete; the state is then ready for the
    /// next head.
    @inline(__always)
    mutating func takeFields() -> [HTTPHeaderField] {
        let fields = scanner.takeFields()
        scanner.restart()
        mayHoldState = false
        return fields
    }
}
