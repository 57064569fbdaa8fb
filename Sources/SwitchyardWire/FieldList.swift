/// The elements of a list-valued field (RFC 9110 §5.6.1), split at commas outside
/// quoted-strings, each trimmed of OWS; empty elements are skipped as the RFC asks of
/// recipients.
///
///     #element => [ element ] *( OWS "," OWS [ element ] )
///
/// Used for Connection, Transfer-Encoding, Content-Length (a list of identical values is
/// allowed) and Expect; the proxy uses it to find the headers a Connection field names.
public struct FieldList: Sequence {
    public let value: ByteRange
    public let buffer: UnsafeRawBufferPointer

    public init(_ value: ByteRange, in buffer: UnsafeRawBufferPointer) {
        self.value = value
        self.buffer = buffer
    }

    public func makeIterator() -> Iterator {
        Iterator(buffer: buffer, position: value.offset, end: value.end)
    }

    public struct Iterator: IteratorProtocol {
        let buffer: UnsafeRawBufferPointer
        var position: Int
        let end: Int

        public mutating func next() -> ByteRange? {
            while position < end {
                var start = position
                var inQuotes = false
                var escaped = false
                var index = position
                while index < end {
                    let byte = buffer[index]
                    if escaped {
                        escaped = false
                    } else if inQuotes {
                        if byte == ASCII.backslash { escaped = true } else if byte == ASCII.doubleQuote { inQuotes = false }
                    } else if byte == ASCII.doubleQuote {
                        inQuotes = true
                    } else if byte == ASCII.comma {
                        break
                    }
                    index += 1
                }
                position = index + 1
                var stop = index
                while start < stop, ASCII.isWhitespace(buffer[start]) { start += 1 }
                while stop > start, ASCII.isWhitespace(buffer[stop - 1]) { stop -= 1 }
                if start < stop { return ByteRange(start..<stop) }
            }
            return nil
        }
    }
}
