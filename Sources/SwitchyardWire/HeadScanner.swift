/// The part shared by the request and response head parsers: finds lines, hands the start
/// line to the caller, parses and counts field lines, collects their facts, and says when the
/// empty line that ends the head has arrived. It keeps everything it has learnt between calls,
/// so a head that arrives a byte at a time costs what a head that arrives at once costs.
struct HeadScanner {
    let role: HeaderFacts.Role
    let limits: HeadLimits
    private var lines = LineScanner()
    private var sawStartLine = false
    private var sawField = false
    private(set) var fields: [HTTPHeaderField] = []
    private(set) var facts = HeaderFacts()

    init(role: HeaderFacts.Role, limits: HeadLimits) {
        self.role = role
        self.limits = limits
    }

    enum Step {
        /// The start line (without its line end); the caller parses it and calls `next` again.
        case startLine(Range<Int>)
        /// The empty line has arrived; the head is this many bytes long.
        case complete(headLength: Int)
        case needMoreBytes
        case invalid(HTTPParseError)
    }

    mutating func next(in buffer: UnsafeRawBufferPointer) -> Step {
        while true {
            let maxLength = sawStartLine ? limits.maxFieldLineLength : limits.maxStartLineLength
            let line: Range<Int>
            switch lines.nextLine(in: buffer, maxLength: maxLength, headLimit: limits.maxHeadLength) {
            case .needMoreBytes:
                return .needMoreBytes
            case .lineTooLong:
                return .invalid(sawStartLine ? .headerLineTooLong : startLineTooLong)
            case .headTooLarge:
                return .invalid(.headerSectionTooLarge)
            case .bareCarriageReturn:
                return .invalid(.bareCarriageReturn)
            case .line(let found):
                line = found
            }

            if !sawStartLine {
                // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request line.
                // Nothing says a client may do so before a status line.
                if line.isEmpty, role == .request { continue }
                sawStartLine = true
                return .startLine(line)
            }
            if line.isEmpty { return .complete(headLength: lines.lineStart) }
            if ASCII.isWhitespace(buffer[line.lowerBound]) {
                return .invalid(sawField ? .obsoleteLineFolding : .whitespaceAfterStartLine)
            }
            guard fields.count < limits.maxFieldCount else { return .invalid(.tooManyHeaders) }
            switch FieldLine.parse(buffer, line: line) {
            case .failure(let error):
                return .invalid(error)
            case .success(let field):
                if let error = facts.observe(field, in: buffer, role: role) { return .invalid(error) }
                if fields.isEmpty { fields.reserveCapacity(16) }
                fields.append(field)
                sawField = true
            }
        }
    }

    private var startLineTooLong: HTTPParseError {
        role == .request ? .requestLineTooLong : .invalidStatusLine
    }
}
