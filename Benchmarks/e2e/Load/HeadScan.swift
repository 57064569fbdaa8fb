import Glibc

/// Just enough HTTP/1.1 head reading for the backends and clients here, on raw bytes and
/// without allocating: where a head ends, a field's value, a case-insensitive token in it.
/// The proxy's real parsers live in SwitchyardWire; these tools only need to recognise the
/// few heads they exchange.
enum HeadScan {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")

    /// The offset just past the first CRLF CRLF at or after `from`, or nil.
    static func headEnd(_ bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var position = from
        let count = bytes.count
        while position < count {
            // memchr skips to the next LF at library speed; a head has few of them.
            guard let found = memchr(base + position, Int32(lf), count - position) else { return nil }
            let index = UnsafeRawPointer(found) - base
            if index >= 3 && bytes[index - 1] == cr && bytes[index - 2] == lf && bytes[index - 3] == cr {
                return index + 1
            }
            position = index + 1
        }
        return nil
    }

    /// The range of the first line, without its CRLF.
    static func firstLine(_ head: UnsafeRawBufferPointer) -> Range<Int> {
        var end = 0
        while end < head.count && head[end] != cr && head[end] != lf { end += 1 }
        return 0..<end
    }

    /// The value of the first field named `name` (given in lowercase), with surrounding
    /// spaces removed, or nil when the head has no such field.
    static func fieldValue(_ head: UnsafeRawBufferPointer, named name: StaticString) -> Range<Int>? {
        let nameBytes = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var lineStart = firstLine(head).upperBound
        while lineStart < head.count {
            // Skip the CRLF that ended the previous line.
            while lineStart < head.count && (head[lineStart] == cr || head[lineStart] == lf) { lineStart += 1 }
            var lineEnd = lineStart
            while lineEnd < head.count && head[lineEnd] != cr && head[lineEnd] != lf { lineEnd += 1 }
            if lineEnd - lineStart > nameBytes.count && head[lineStart + nameBytes.count] == UInt8(ascii: ":")
                && equalsIgnoringCase(head, at: lineStart, nameBytes)
            {
                var valueStart = lineStart + nameBytes.count + 1
                var valueEnd = lineEnd
                while valueStart < valueEnd && (head[valueStart] == 0x20 || head[valueStart] == 0x09) { valueStart += 1 }
                while valueEnd > valueStart && (head[valueEnd - 1] == 0x20 || head[valueEnd - 1] == 0x09) { valueEnd -= 1 }
                return valueStart..<valueEnd
            }
            lineStart = lineEnd
        }
        return nil
    }

    /// Whether `range` of `bytes` contains `token` (lowercase), ignoring case: good enough for
    /// `Connection: keep-alive, Upgrade` or `Upgrade: WebSocket`.
    static func contains(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, token: StaticString) -> Bool {
        let tokenBytes = UnsafeRawBufferPointer(start: token.utf8Start, count: token.utf8CodeUnitCount)
        guard range.count >= tokenBytes.count else { return false }
        for start in range.lowerBound...(range.upperBound - tokenBytes.count) where equalsIgnoringCase(bytes, at: start, tokenBytes) {
            return true
        }
        return false
    }

    /// Whether the bytes at `offset` equal `lowercase` (ASCII), ignoring case.
    @inline(__always)
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ lowercase: UnsafeRawBufferPointer) -> Bool {
        guard offset + lowercase.count <= bytes.count else { return false }
        for index in 0..<lowercase.count {
            var byte = bytes[offset + index]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            if byte != lowercase[index] { return false }
        }
        return true
    }

    /// Whether `range` of `bytes` is exactly `expected`.
    static func equals(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ expected: [UInt8]) -> Bool {
        guard range.count == expected.count else { return false }
        return expected.withUnsafeBytes { memcmp(bytes.baseAddress! + range.lowerBound, $0.baseAddress!, range.count) == 0 }
    }

    /// The status code of a response head (`HTTP/1.1 101 ...`), or nil.
    static func statusCode(_ head: UnsafeRawBufferPointer) -> Int? {
        let line = firstLine(head)
        guard line.count >= 12, head[0] == UInt8(ascii: "H"), head[8] == 0x20 else { return nil }
        var code = 0
        for index in 9..<12 {
            let digit = head[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            code = code * 10 + Int(digit)
        }
        return code
    }
}
