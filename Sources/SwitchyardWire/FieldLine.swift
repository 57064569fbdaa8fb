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
        var index = line.lowerBound
        let end = line.upperBound
        while index < end, ByteClass.tchar.contains(byte: buffer[index]) { index += 1 }
        guard index < end else { return .failure(.missingColon) }
        let colon: Int
        if buffer[index] == ASCII.colon {
            guard index > line.lowerBound else { return .failure(.invalidHeaderName) }
            colon = index
        } else {
            guard let found = firstColon(buffer, from: index, to: end) else { return .failure(.missingColon) }
            // "Name : value" is the one shape RFC 9112 §5.1 names; anything else is a bad name.
            var onlyWhitespace = index > line.lowerBound
            for position in index..<found where !ASCII.isWhitespace(buffer[position]) { onlyWhitespace = false }
            return .failure(onlyWhitespace ? .whitespaceBeforeColon : .invalidHeaderName)
        }

        var valueStart = colon + 1
        var valueEnd = end
        while valueStart < valueEnd, ASCII.isWhitespace(buffer[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, ASCII.isWhitespace(buffer[valueEnd - 1]) { valueEnd -= 1 }
        if let error = validateValue(buffer, valueStart..<valueEnd) { return .failure(error) }
        return .success(HTTPHeaderField(
            name: ByteRange(line.lowerBound..<colon),
            value: ByteRange(valueStart..<valueEnd)))
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
