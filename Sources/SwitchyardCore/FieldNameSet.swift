import SwitchyardWire

/// A fixed set of lower-case field names, asked per header field whether it holds a name. The
/// names sit back to back in one array, and a bit per (length, first letter) rejects almost
/// every other field before a byte is compared: a list of arrays cost a retain and release per
/// name per field, and a bit per length alone let through every field as long as some name.
public struct FieldNameSet: Sendable, ExpressibleByArrayLiteral {
    private let storage: [UInt8]
    private let entries: [Entry]
    /// Bit `signature(count, first byte)` is set for every name.
    private let signatures: UInt64

    private struct Entry: Sendable {
        let start: Int
        let count: Int
    }

    public init(_ names: some Sequence<[UInt8]>) {
        var storage: [UInt8] = []
        var entries: [Entry] = []
        var signatures: UInt64 = 0
        for name in names {
            entries.append(Entry(start: storage.count, count: name.count))
            storage.append(contentsOf: name.map(ASCIIText.lowercased))
            signatures |= Self.signature(count: name.count, first: name.first ?? 0)
        }
        self.storage = storage
        self.entries = entries
        self.signatures = signatures
    }

    public init(arrayLiteral names: [UInt8]...) { self.init(names) }

    public init(strings: [String]) { self.init(strings.map { Array($0.utf8) }) }

    /// The names, lowercased.
    public var names: [[UInt8]] { entries.map { Array(storage[$0.start..<($0.start + $0.count)]) } }

    /// Whether the field name at `name` in `buffer` is in the set, ignoring ASCII case.
    @inline(__always)
    public func contains(_ name: ByteRange, in buffer: UnsafeRawBufferPointer) -> Bool {
        let count = name.count
        guard count > 0 else { return entries.contains { $0.count == 0 } }
        precondition(name.offset >= 0 && name.end <= buffer.count, "ByteRange outside its buffer")
        guard signatures & Self.signature(count: count, first: buffer[name.offset]) != 0 else { return false }
        let bytes = buffer.baseAddress! + name.offset
        return storage.withUnsafeBytes { storage in
            for entry in entries
            where entry.count == count && CaseFold.equals(bytes, lowercased: storage.baseAddress! + entry.start, count: count) {
                return true
            }
            return false
        }
    }

    /// One of 64 bits for a name's length and first byte. Setting 0x20 folds case (and merges
    /// a few non-letters with others, which the comparison after it tells apart); the multiply
    /// spreads names that share a first letter, as `x-accel-*` do, over the bits by length.
    @inline(__always)
    private static func signature(count: Int, first: UInt8) -> UInt64 {
        let key = UInt64(truncatingIfNeeded: count) << 8 | UInt64(first | 0x20)
        return 1 << ((key &* 0x9E37_79B9_7F4A_7C15) >> 58)
    }
}

/// ASCII case-insensitive comparison with lower-case bytes, eight at a time. A byte matches
/// its lower-case counterpart `l` when `byte | fold == l`, `fold` being 0x20 where `l` is a
/// letter and 0 elsewhere: exactly what lowercasing each byte and comparing decides, with no
/// branch per byte. Ranges shorter than a word are compared as two overlapping halves.
enum CaseFold {
    /// Whether the `count` bytes at `bytes` equal the `count` lower-case bytes at `lowercased`,
    /// ignoring ASCII case in `bytes`. Reads nothing outside either run.
    @inline(__always)
    static func equals(_ bytes: UnsafeRawPointer, lowercased: UnsafeRawPointer, count: Int) -> Bool {
        switch count {
        case 8...:
            var offset = 0
            while offset + 8 < count {
                guard matches(bytes, lowercased, at: offset, as: UInt64.self) else { return false }
                offset += 8
            }
            return matches(bytes, lowercased, at: count - 8, as: UInt64.self)
        case 4...:
            return matches(bytes, lowercased, at: 0, as: UInt32.self) && matches(bytes, lowercased, at: count - 4, as: UInt32.self)
        case 2...:
            return matches(bytes, lowercased, at: 0, as: UInt16.self) && matches(bytes, lowercased, at: count - 2, as: UInt16.self)
        case 1:
            return matches(bytes, lowercased, at: 0, as: UInt8.self)
        default:
            return true
        }
    }

    @inline(__always)
    private static func matches<Word: FixedWidthInteger & UnsignedInteger>(
        _ bytes: UnsafeRawPointer, _ lowercased: UnsafeRawPointer, at offset: Int, as: Word.Type
    ) -> Bool {
        let lower = lowercased.loadUnaligned(fromByteOffset: offset, as: Word.self)
        return bytes.loadUnaligned(fromByteOffset: offset, as: Word.self) | fold(lower) == lower
    }

    /// 0x20 in each byte of `lower` that is `a`...`z`, 0 in the others. Bytes are looked at
    /// without their high bit, so no sum carries into the next byte; bytes with it are not
    /// letters.
    @inline(__always)
    private static func fold<Word: FixedWidthInteger & UnsignedInteger>(_ lower: Word) -> Word {
        let low = lower & Word(truncatingIfNeeded: 0x7F7F_7F7F_7F7F_7F7F as UInt64)
        let atLeastA = low &+ Word(truncatingIfNeeded: 0x1F1F_1F1F_1F1F_1F1F as UInt64)  // 0x80 - "a"
        let pastZ = low &+ Word(truncatingIfNeeded: 0x0505_0505_0505_0505 as UInt64)  // 0x80 - ("z" + 1)
        return (atLeastA & ~pastZ & ~lower & Word(truncatingIfNeeded: 0x8080_8080_8080_8080 as UInt64)) >> 2
    }
}
