/// Splits one field line into name and value (RFC 9112 §5, RFC 9110 §5.5).
///
///     field-line   = field-name ":" OWS field-value OWS
///     field-name   = token
///     field-value  = *field-content
///     field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
///
/// The line has no line end and does not start with whitespace (the caller refuses obs-fold
/// first).
enum FieldLine {
    static func parse(_ buffer: UnsafeRawBufferPointer, line: Range<Int>) -> Result<HTTPHeaderField, HTTPParseError> {
        parse(buffer, line: line, nameEnd: Token.end(in: buffer, from: line.lowerBound, to: line.upperBound),
              lineHasControls: true)
    }

    /// `nameEnd` is where the line's leading run of token bytes ends (see `Token.end`), as the
    /// caller may know already. `lineHasControls` false promises that the line holds no
    /// control byte (TAB included) and no DEL, as `LineScanner` notes on its way: the value
    /// then needs no validation.
    @inline(__always)
    static func parse(
        _ buffer: UnsafeRawBufferPointer, line: Range<Int>, nameEnd: Int, lineHasControls: Bool
    ) -> Result<HTTPHeaderField, HTTPParseError> {
        let end = line.upperBound
        guard nameEnd < end, buffer[nameEnd] == ASCII.colon, nameEnd > line.lowerBound else {
            return .failure(nameError(buffer, line: line, stop: nameEnd))
        }
        let colon = nameEnd

        let value = trimmedValue(buffer, from: colon + 1, to: end)
        if lineHasControls, let error = validateValue(buffer, value.range) { return .failure(error) }
        return .success(HTTPHeaderField(name: ByteRange(line.lowerBound..<colon), value: value))
    }

    /// The bytes between `start` and `end` without leading and trailing OWS.
    @inline(__always)
    static func trimmedValue(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> ByteRange {
        var valueStart = start
        var valueEnd = end
        // Wrapping arithmetic: the indices stay within `start...end`.
        while valueStart < valueEnd, ASCII.isWhitespace(buffer[valueStart]) { valueStart &+= 1 }
        while valueEnd > valueStart, ASCII.isWhitespace(buffer[valueEnd &- 1]) { valueEnd &-= 1 }
        return ByteRange(offset: valueStart, count: valueEnd &- valueStart)
    }

    /// Why a name that stopped at `stop` (the first byte that is not a tchar) is no name.
    @inline(never)
    private static func nameError(_ buffer: UnsafeRawBufferPointer, line: Range<Int>, stop: Int) -> HTTPParseError {
        guard stop < line.upperBound else { return .missingColon }
        if buffer[stop] == ASCII.colon { return .invalidHeaderName }  // an empty name
        guard let colon = firstColon(buffer, from: stop, to: line.upperBound) else { return .missingColon }
        // "Name : value" is the one shape RFC 9112 §5.1 names; anything else is a bad name.
        var onlyWhitespace = stop > line.lowerBound
        for position in stop..<colon where !ASCII.isWhitespace(buffer[position]) { onlyWhitespace = false }
        return onlyWhitespace ? .whitespaceBeforeColon : .invalidHeaderName
    }

    /// `trimmedValue` for bytes without a control byte, so without HTAB: only SP to trim.
    @inline(__always)
    static func trimmedPlainValue(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> ByteRange {
        var valueStart = start
        var valueEnd = end
        // Wrapping arithmetic: the indices stay within `start...end`.
        while valueStart < valueEnd, buffer[valueStart] == ASCII.space { valueStart &+= 1 }
        while valueEnd > valueStart, buffer[valueEnd &- 1] == ASCII.space { valueEnd &-= 1 }
        return ByteRange(offset: valueStart, count: valueEnd &- valueStart)
    }

    /// Every byte a `field-vchar`, SP or HTAB; a CR is reported apart from other controls.
    @inline(__always)
    static func validateValue(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> HTTPParseError? {
        var start = range.lowerBound
        while start + 8 <= range.upperBound, !SWAR.mayHoldInvalidValueByte(SWAR.load(buffer, start)) { start += 8 }
        for index in start..<range.upperBound {
            let byte = buffer[index]
            if ByteClass.fieldVChar.contains(byte: byte) || ASCII.isWhitespace(byte) { continue }
            return byte == ASCII.cr ? .bareCarriageReturn : .invalidHeaderValue
        }
        return nil
    }

    private static func firstColon(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            if buffer[index] == ASCII.colon { return index }
            index += 1
        }
        return nil
    }
}
