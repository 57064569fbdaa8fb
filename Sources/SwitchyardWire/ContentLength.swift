/// Reads a Content-Length value (RFC 9110 §8.6).
///
///     Content-Length = 1*DIGIT
///
/// A list of identical values ("1, 1"), which intermediaries produce by combining duplicate
/// fields, is accepted as that value, as §8.6 allows; a list of differing values is refused as
/// conflicting. Signs, hex, spaces inside a number, empty values and values beyond `Int.max`
/// are invalid.
enum ContentLength {
    static func parse(_ value: ByteRange, in buffer: UnsafeRawBufferPointer) -> Result<Int, HTTPParseError> {
        var result: Int?
        for element in FieldList(value, in: buffer) {
            guard let length = decimal(element, in: buffer) else { return .failure(.invalidContentLength) }
            if let earlier = result, earlier != length { return .failure(.conflictingContentLength) }
            result = length
        }
        guard let result else { return .failure(.invalidContentLength) }
        return .success(result)
    }

    /// 1 to 18 digits as an `Int`, or nil: the common value, which `parse` would give back as
    /// it is. Needs no overflow checks, as 10^18 - 1 < `Int.max`.
    @inline(__always)
    static func digits(_ range: ByteRange, in buffer: UnsafeRawBufferPointer) -> Int? {
        guard range.count > 0, range.count <= 18 else { return nil }
        var value = 0
        // Wrapping arithmetic: the index stays within the range, the value below 10^18.
        var index = range.offset
        let end = range.end
        while index < end {
            let digit = buffer[index] &- ASCII.zero
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
            index &+= 1
        }
        return value
    }

    /// `1*DIGIT` as a non-negative `Int`, or nil (empty, a non-digit, or overflow).
    static func decimal(_ range: ByteRange, in buffer: UnsafeRawBufferPointer) -> Int? {
        guard !range.isEmpty else { return nil }
        var value = 0
        for index in range.range {
            guard let digit = ASCII.decimalValue(buffer[index]) else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}
