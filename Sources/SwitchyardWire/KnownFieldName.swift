/// The field names whose values the parsers act on. Most fields of a head are none of them, so
/// a name is told apart by its length and first letter, then by a few word compares, never
/// byte by byte.
enum KnownFieldName {
    case host
    case expect
    case upgrade
    case connection
    case contentLength
    case transferEncoding

    /// Whether `name` has the length and first letter of a known name: a test cheap enough to
    /// make inline for every field, before the call that compares the rest.
    @inline(__always)
    static func mayMatch(_ name: ByteRange, in buffer: UnsafeRawBufferPointer) -> Bool {
        let first = buffer[name.offset] | 0x20
        switch name.count {
        case 4: return first == UInt8(ascii: "h")
        case 6: return first == UInt8(ascii: "e")
        case 7: return first == UInt8(ascii: "u")
        case 10, 14: return first == UInt8(ascii: "c")
        case 17: return first == UInt8(ascii: "t")
        default: return false
        }
    }

    /// `name` must be a token (a field name `FieldLine` accepted).
    @inline(__always)
    init?(_ name: ByteRange, in buffer: UnsafeRawBufferPointer) {
        switch name.count {
        case 4 where Self.matches(name, "host", in: buffer): self = .host
        case 6 where Self.matches(name, "expect", in: buffer): self = .expect
        case 7 where Self.matches(name, "upgrade", in: buffer): self = .upgrade
        case 10 where Self.matches(name, "connection", in: buffer): self = .connection
        case 14 where Self.matches(name, "content-length", in: buffer): self = .contentLength
        case 17 where Self.matches(name, "transfer-encoding", in: buffer): self = .transferEncoding
        default: return nil
        }
    }

    /// Whether the token `name` equals `lowercase` (of `name.count` bytes, 4...24, only `a`-`z`
    /// and `-`) ignoring case. Setting bit 0x20 of every byte folds case exactly here: it maps
    /// `A`-`Z` to `a`-`z`, and the only other byte it maps to a letter or `-` is CR, never in
    /// a token. Words are compared, the last one overlapping the one before it.
    @inline(__always)
    private static func matches(_ name: ByteRange, _ lowercase: StaticString, in buffer: UnsafeRawBufferPointer) -> Bool {
        let count = name.count
        assert(lowercase.utf8CodeUnitCount == count && (4...24).contains(count))
        let literal = UnsafeRawBufferPointer(start: lowercase.utf8Start, count: count)
        let base = name.offset
        if count < 8 {
            func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
                bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            }
            let caseBits: UInt32 = 0x2020_2020
            return word(buffer, base) | caseBits == word(literal, 0)
                && word(buffer, base + count - 4) | caseBits == word(literal, count - 4)
        }
        func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
            bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        }
        let caseBits: UInt64 = 0x2020_2020_2020_2020
        return word(buffer, base) | caseBits == word(literal, 0)
            && (count <= 16 || word(buffer, base + 8) | caseBits == word(literal, 8))
            && word(buffer, base + count - 8) | caseBits == word(literal, count - 8)
    }
}
