/// A run of bytes inside the buffer a parser was given: where a method, a target, a field name
/// or a field value lies. Parsers hand these out instead of `String`s so the hot path copies
/// nothing; the holder of the buffer turns a range into bytes or text only when it must.
///
/// Offsets are relative to the first byte of the buffer passed to the parser (for a head, the
/// first byte of the unparsed head region).
public struct ByteRange: Hashable, Sendable {
    /// Index of the first byte.
    public var offset: Int
    /// Number of bytes.
    public var count: Int

    @inline(__always)
    public init(offset: Int, count: Int) {
        self.offset = offset
        self.count = count
    }

    @inline(__always)
    public init(_ range: Range<Int>) {
        self.offset = range.lowerBound
        self.count = range.count
    }

    public static let empty = ByteRange(offset: 0, count: 0)

    /// One past the last byte.
    @inline(__always)
    public var end: Int { offset + count }

    public var range: Range<Int> { offset..<end }

    public var isEmpty: Bool { count == 0 }

    /// The same bytes seen from a buffer that starts `delta` bytes earlier (for a caller that
    /// keeps a head inside a larger buffer).
    public func shifted(by delta: Int) -> ByteRange {
        ByteRange(offset: offset + delta, count: count)
    }
}

extension ByteRange {
    /// Whether the bytes equal `literal` exactly.
    public func equals(_ literal: StaticString, in buffer: UnsafeRawBufferPointer) -> Bool {
        equals(literal, in: buffer, foldingCase: false)
    }

    /// Whether the bytes equal `literal`, ignoring ASCII case (field names, codings, options).
    public func equalsCaseInsensitive(_ literal: StaticString, in buffer: UnsafeRawBufferPointer) -> Bool {
        equals(literal, in: buffer, foldingCase: true)
    }

    /// Whether the bytes equal `other`, ignoring ASCII case.
    public func equalsCaseInsensitive(_ other: [UInt8], in buffer: UnsafeRawBufferPointer) -> Bool {
        other.withUnsafeBytes { equals($0, in: buffer, foldingCase: true) }
    }

    /// Whether the bytes equal the bytes of `other` in the same buffer, ignoring ASCII case.
    public func equalsCaseInsensitive(_ other: ByteRange, in buffer: UnsafeRawBufferPointer) -> Bool {
        equals(UnsafeRawBufferPointer(rebasing: buffer[other.range]), in: buffer, foldingCase: true)
    }

    /// Whether the bytes start with `prefix`, ignoring ASCII case.
    public func hasPrefixCaseInsensitive(_ prefix: StaticString, in buffer: UnsafeRawBufferPointer) -> Bool {
        guard prefix.utf8CodeUnitCount <= count else { return false }
        return ByteRange(offset: offset, count: prefix.utf8CodeUnitCount).equalsCaseInsensitive(prefix, in: buffer)
    }

    /// The bytes, copied. Off the hot path: logs, variables, tests.
    public func bytes(in buffer: UnsafeRawBufferPointer) -> [UInt8] {
        Array(buffer[range])
    }

    /// The bytes decoded as UTF-8 (invalid sequences repaired). Off the hot path.
    public func string(in buffer: UnsafeRawBufferPointer) -> String {
        String(decoding: buffer[range], as: UTF8.self)
    }

    /// Lengths first, and no closure: most compares are against literals of another length.
    @inline(__always)
    func equals(_ literal: StaticString, in buffer: UnsafeRawBufferPointer, foldingCase: Bool) -> Bool {
        guard literal.hasPointerRepresentation else {
            // A one-scalar literal; `utf8Start` would trap.
            return literal.withUTF8Buffer { equals(UnsafeRawBufferPointer($0), in: buffer, foldingCase: foldingCase) }
        }
        guard literal.utf8CodeUnitCount == count else { return false }
        return equals(UnsafeRawBufferPointer(start: literal.utf8Start, count: count), in: buffer, foldingCase: foldingCase)
    }

    @inline(__always)
    func equals(_ other: UnsafeRawBufferPointer, in buffer: UnsafeRawBufferPointer, foldingCase: Bool) -> Bool {
        guard other.count == count else { return false }
        precondition(end <= buffer.count, "ByteRange outside its buffer")
        var index = 0
        while index < count {
            let mine = buffer[offset + index]
            let theirs = other[index]
            if mine != theirs {
                guard foldingCase, ASCII.lowercased(mine) == ASCII.lowercased(theirs) else { return false }
            }
            index += 1
        }
        return true
    }
}
