import SwitchyardWire

/// A fixed set of lower-case field names, asked per header field whether it holds a name. The
/// names sit back to back in one array, and a bit per name length rejects most fields before a
/// byte is compared: a list of arrays cost a retain and release per name per field.
public struct FieldNameSet: Sendable, ExpressibleByArrayLiteral {
    private let storage: [UInt8]
    private let entries: [Entry]
    /// Bit `n` is set when some name is `n` bytes long (bit 63: 63 or more).
    private let lengths: UInt64

    private struct Entry: Sendable {
        let start: Int
        let count: Int
    }

    public init(_ names: some Sequence<[UInt8]>) {
        var storage: [UInt8] = []
        var entries: [Entry] = []
        var lengths: UInt64 = 0
        for name in names {
            entries.append(Entry(start: storage.count, count: name.count))
            storage.append(contentsOf: name.map(ASCIIText.lowercased))
            lengths |= 1 << UInt64(min(name.count, 63))
        }
        self.storage = storage
        self.entries = entries
        self.lengths = lengths
    }

    public init(arrayLiteral names: [UInt8]...) { self.init(names) }

    public init(strings: [String]) { self.init(strings.map { Array($0.utf8) }) }

    /// The names, lowercased.
    public var names: [[UInt8]] { entries.map { Array(storage[$0.start..<($0.start + $0.count)]) } }

    /// Whether the field name at `name` in `buffer` is in the set, ignoring ASCII case.
    @inline(__always)
    public func contains(_ name: ByteRange, in buffer: UnsafeRawBufferPointer) -> Bool {
        let count = name.count
        guard lengths & (1 << UInt64(min(count, 63))) != 0 else { return false }
        return storage.withUnsafeBufferPointer { bytes in
            for entry in entries where entry.count == count {
                var equal = true
                for i in 0..<count where ASCIIText.lowercased(buffer[name.offset + i]) != bytes[entry.start + i] {
                    equal = false
                    break
                }
                if equal { return true }
            }
            return false
        }
    }
}
