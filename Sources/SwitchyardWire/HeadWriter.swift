/// Why a field could not be written.
public enum HeadWriterError: Error, Hashable, Sendable {
    /// The name is empty or not a token.
    case invalidFieldName
    /// The value holds CR, LF, NUL or another control: writing it would let it end the line
    /// and start another field or message (header injection).
    case invalidFieldValue
}

/// Builds a head (request or response) into a byte array the caller provides and gets back,
/// so one array per connection is reused for every head it rebuilds.
///
/// Bytes from a parsed head are appended unchecked: the parser has validated them. Names and
/// values from elsewhere (configuration, variables) go through the throwing `appendField`
/// overloads, which refuse anything that could split the line.
public struct HeadWriter {
    public private(set) var bytes: [UInt8]

    /// Starts writing into `storage`, emptied but keeping its capacity.
    public init(reusing storage: consuming [UInt8] = [], reservingCapacity capacity: Int = 1024) {
        bytes = storage
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(capacity)
    }

    /// The head written so far, giving the storage back.
    public consuming func finish() -> [UInt8] {
        bytes
    }

    public var count: Int { bytes.count }

    // MARK: Raw appends (the caller vouches for the bytes)

    public mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ range: ByteRange, of buffer: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: buffer[range.range])
    }

    public mutating func append(contentsOf other: some Collection<UInt8>) {
        bytes.append(contentsOf: other)
    }

    /// A non-negative decimal number, such as a Content-Length or a status code.
    public mutating func appendDecimal(_ value: Int) {
        precondition(value >= 0, "negative number in a head")
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(ASCII.zero + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// CR LF.
    public mutating func appendLineEnd() {
        bytes.append(ASCII.cr)
        bytes.append(ASCII.lf)
    }

    // MARK: Fields

    /// `name: value` CRLF, both taken from a parsed head in `buffer`.
    public mutating func appendField(name: ByteRange, value: ByteRange, of buffer: UnsafeRawBufferPointer) {
        append(name, of: buffer)
        appendFieldSeparator()
        append(value, of: buffer)
        appendLineEnd()
    }

    /// `name: value` CRLF with a fixed name and a value from a parsed head.
    public mutating func appendField(name: StaticString, value: ByteRange, of buffer: UnsafeRawBufferPointer) {
        append(name)
        appendFieldSeparator()
        append(value, of: buffer)
        appendLineEnd()
    }

    /// `name: value` CRLF, checking both: the defense against header injection from
    /// configuration and variables. Nothing is written when either is refused.
    public mutating func appendField(name: some Collection<UInt8>, value: some Collection<UInt8>) throws(HeadWriterError) {
        guard Self.isValidFieldName(name) else { throw .invalidFieldName }
        guard Self.isValidFieldValue(value) else { throw .invalidFieldValue }
        bytes.append(contentsOf: name)
        appendFieldSeparator()
        bytes.append(contentsOf: value)
        appendLineEnd()
    }

    /// `name: value` CRLF from strings, checked as above.
    public mutating func appendField(name: String, value: String) throws(HeadWriterError) {
        try appendField(name: name.utf8, value: value.utf8)
    }

    /// The empty line that ends the head.
    public mutating func appendEndOfHead() {
        appendLineEnd()
    }

    private mutating func appendFieldSeparator() {
        bytes.append(ASCII.colon)
        bytes.append(ASCII.space)
    }

    // MARK: Validation

    /// `field-name = token` (RFC 9110 §5.1).
    public static func isValidFieldName(_ name: some Collection<UInt8>) -> Bool {
        !name.isEmpty && name.allSatisfy { ByteClass.tchar.contains(byte: $0) }
    }

    /// A value a field line can carry (RFC 9110 §5.5): `field-vchar`, SP and HTAB only, so no
    /// CR, LF, NUL or other control. Leading or trailing whitespace is allowed (recipients
    /// trim it).
    public static func isValidFieldValue(_ value: some Collection<UInt8>) -> Bool {
        value.allSatisfy { ByteClass.fieldVChar.contains(byte: $0) || ASCII.isWhitespace($0) }
    }
}

@available(*, unavailable)
extension HeadWriter: Sendable {}
