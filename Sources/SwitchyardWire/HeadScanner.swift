/// The part shared by the request and response head parsers: finds lines, hands the start
/// line to the caller, parses and counts field lines, collects their facts, and says when the
/// empty line that ends the head has arrived. It keeps everything it has learnt between calls,
/// so a head that arrives a byte at a time costs what a head that arrives at once costs.
///
/// Its common path is inlined into each parser, where `role` is a constant.
struct HeadScanner {
    private var lines = LineScanner()
    private(set) var sawStartLine = false
    private(set) var fields: [HTTPHeaderField] = []
    private(set) var facts = HeaderFacts()

    enum StartLineStep {
        /// The start line (without its line end), for the caller to parse.
        case line(Range<Int>)
        case needMoreBytes
        case invalid(HTTPParseError)
    }

    enum FieldsStep {
        /// The empty line has arrived; the head is this many bytes long.
        case complete(headLength: Int)
        case needMoreBytes
        case invalid(HTTPParseError)
    }

    /// Call until it gives the start line; then call `nextFields`.
    @inline(__always)
    mutating func nextStartLine(in buffer: UnsafeRawBufferPointer, role: HeaderFacts.Role, limits: HeadLimits) -> StartLineStep {
        while true {
            switch lines.nextLine(in: buffer, maxLength: limits.maxStartLineLength, headLimit: limits.maxHeadLength) {
            case .needMoreBytes:
                return .needMoreBytes
            case .lineTooLong:
                return .invalid(role == .request ? .requestLineTooLong : .invalidStatusLine)
            case .headTooLarge:
                return .invalid(.headerSectionTooLarge)
            case .bareCarriageReturn:
                return .invalid(.bareCarriageReturn)
            case .line(let line):
                // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request line.
                // Nothing says a client may do so before a status line.
                if line.isEmpty, role == .request { continue }
                sawStartLine = true
                return .line(line)
            }
        }
    }

    @inline(__always)
    mutating func nextFields(in buffer: UnsafeRawBufferPointer, role: HeaderFacts.Role, limits: HeadLimits) -> FieldsStep {
        while true {
            var nameEnd: Int?
            if lines.isAtLineStart {
                switch nextPlainLine(in: buffer, role: role, limits: limits) {
                case .field:
                    continue
                case .complete(let headLength):
                    return .complete(headLength: headLength)
                case .invalid(let error):
                    return .invalid(error)
                case .other(let checkedName):
                    nameEnd = checkedName
                }
            }
            if let step = nextLine(in: buffer, role: role, limits: limits, nameEnd: nameEnd) { return step }
        }
    }

    /// Any line, the general way; nil once a field line is taken. Kept out of `nextFields`
    /// so that the plain path stays small enough to be inlined whole.
    @inline(never)
    private mutating func nextLine(
        in buffer: UnsafeRawBufferPointer, role: HeaderFacts.Role, limits: HeadLimits, nameEnd: Int?
    ) -> FieldsStep? {
        let line: Range<Int>
        switch lines.nextLine(in: buffer, maxLength: limits.maxFieldLineLength, headLimit: limits.maxHeadLength) {
        case .needMoreBytes:
            return .needMoreBytes
        case .lineTooLong:
            return .invalid(.headerLineTooLong)
        case .headTooLarge:
            return .invalid(.headerSectionTooLarge)
        case .bareCarriageReturn:
            return .invalid(.bareCarriageReturn)
        case .line(let found):
            line = found
        }
        if line.isEmpty { return .complete(headLength: lines.lineStart) }
        if ASCII.isWhitespace(buffer[line.lowerBound]) {
            return .invalid(fields.isEmpty ? .whitespaceAfterStartLine : .obsoleteLineFolding)
        }
        guard fields.count < limits.maxFieldCount else { return .invalid(.tooManyHeaders) }
        let stop = nameEnd ?? Token.end(in: buffer, from: line.lowerBound, to: line.upperBound)
        switch FieldLine.parse(buffer, line: line, nameEnd: stop, lineHasControls: lines.lineHasControls) {
        case .failure(let error):
            return .invalid(error)
        case .success(let field):
            if let error = take(field, in: buffer, role: role) { return .invalid(error) }
            return nil
        }
    }

    private enum PlainLineStep {
        /// A field line, taken.
        case field
        /// The empty line that ends the head.
        case complete(headLength: Int)
        case invalid(HTTPParseError)
        /// Any other line, or one not all there yet: for `nextLine`, which resumes after
        /// what was checked. A field name is known to end at the index given.
        case other(nameEnd: Int?)
    }

    /// The lines of nearly every head, read straight from the buffer with each byte looked at
    /// once: the empty line, and a field line whose name ends at a colon and whose value holds
    /// no control byte (so needs no validation), CR LF or LF after it. What `nextLine` and
    /// `FieldLine.parse` would make of them; anything else is left to them.
    @inline(__always)
    private mutating func nextPlainLine(in buffer: UnsafeRawBufferPointer, role: HeaderFacts.Role, limits: HeadLimits) -> PlainLineStep {
        let maxLength = limits.maxFieldLineLength
        let lineStart = lines.lineStart
        let limit = lines.scanLimit(in: buffer, maxLength: maxLength, headLimit: limits.maxHeadLength)
        if let next = LineEnd.after(buffer, at: lineStart, lineStart: lineStart, limit: limit, maxLength: maxLength) {
            lines.takeLine(endingBefore: next)
            return .complete(headLength: next)
        }
        // Token bytes and the colon can be no line end or control byte.
        let nameEnd = Token.end(in: buffer, from: lineStart, to: limit)
        guard nameEnd > lineStart, nameEnd < limit, buffer[nameEnd] == ASCII.colon else { return .other(nameEnd: nil) }
        let valueEnd = SWAR.firstControl(in: buffer, from: nameEnd &+ 1, to: limit)
        guard let next = LineEnd.after(buffer, at: valueEnd, lineStart: lineStart, limit: limit, maxLength: maxLength) else {
            lines.skipCheckedBytes(to: valueEnd)
            return .other(nameEnd: nameEnd)
        }
        lines.takeLine(endingBefore: next)
        guard fields.count < limits.maxFieldCount else { return .invalid(.tooManyHeaders) }
        let field = HTTPHeaderField(
            name: ByteRange(lineStart..<nameEnd), value: FieldLine.trimmedPlainValue(buffer, from: nameEnd &+ 1, to: valueEnd))
        if let error = take(field, in: buffer, role: role) { return .invalid(error) }
        return .field
    }

    /// Takes a parsed field into the facts and the field list.
    @inline(__always)
    private mutating func take(_ field: HTTPHeaderField, in buffer: UnsafeRawBufferPointer, role: HeaderFacts.Role) -> HTTPParseError? {
        if KnownFieldName.mayMatch(field.name, in: buffer), let error = facts.observe(field, in: buffer, role: role) {
            return error
        }
        if fields.isEmpty { reserveFields() }
        fields.append(field)
        return nil
    }

    /// Room for a typical head's fields, in one allocation.
    @inline(never)
    private mutating func reserveFields() {
        fields.reserveCapacity(16)
    }

    /// Where the start line begins and how far it may reach, if none of it has been looked at:
    /// for a parser that reads a start line of the common shape straight from the buffer.
    /// Only before the start line is taken.
    @inline(__always)
    func unscannedStartLine(in buffer: UnsafeRawBufferPointer, limits: HeadLimits) -> (start: Int, limit: Int)? {
        guard lines.isAtLineStart else { return nil }
        return (lines.lineStart, lines.scanLimit(in: buffer, maxLength: limits.maxStartLineLength, headLimit: limits.maxHeadLength))
    }

    /// Takes the start line read that way as the line that ends just before `next`.
    @inline(__always)
    mutating func takeStartLine(endingBefore next: Int) {
        lines.takeLine(endingBefore: next)
        sawStartLine = true
    }

    /// Hands the fields of a complete head over without copying or reference counting; call
    /// `restart` next.
    @inline(__always)
    mutating func takeFields() -> [HTTPHeaderField] {
        var taken: [HTTPHeaderField] = []
        swap(&taken, &fields)
        return taken
    }

    /// Ready for the next head, once `takeFields` has emptied the field array.
    @inline(__always)
    mutating func restart() {
        lines = LineScanner()
        sawStartLine = false
        facts = HeaderFacts()
    }
}
