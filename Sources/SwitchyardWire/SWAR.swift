/// Eight-bytes-at-a-time checks ("SIMD within a register") for the per-byte scans of a head:
/// finding line ends (and noting any other control byte on the way), and validating field
/// values. Each answers "might any of these 8 bytes need a closer look?" exactly (no false
/// negatives, no false positives), and `firstControl` says which byte comes first.
enum SWAR {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Loads 8 bytes at `offset` (no alignment needed), the byte at `offset` lowest.
    @inline(__always)
    static func load(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Loads 8 bytes at `base + offset`, for loops that have checked `baseAddress` once.
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of each byte of `word` below `limit` (`limit` <= 128), by the classic
    /// test: a byte below `limit` borrows into its high bit when `limit` is subtracted, and
    /// bytes >= 0x80 are masked off. The borrow can also flag the byte above a flagged one, so
    /// only the lowest flag is exact: enough to say whether any byte is below, and which first.
    @inline(__always)
    static func bytes(below limit: UInt8, in word: UInt64) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highBits
    }

    /// Whether some byte of `word` is below `limit` (`limit` <= 128).
    @inline(__always)
    static func hasByte(below limit: UInt8, in word: UInt64) -> Bool {
        bytes(below: limit, in: word) != 0
    }

    /// Whether some byte of `word` equals `byte`.
    @inline(__always)
    static func hasByte(_ byte: UInt8, in word: UInt64) -> Bool {
        hasByte(below: 1, in: word ^ (ones &* UInt64(byte)))
    }

    /// Flags for the control bytes (below SP: line ends, TAB, the rest) and DEL of `word`;
    /// zero if it has none, else its lowest flag marks the first of them (see `firstFlagged`).
    @inline(__always)
    static func controlBytes(in word: UInt64) -> UInt64 {
        bytes(below: ASCII.space, in: word) | bytes(below: 1, in: word ^ (ones &* UInt64(ASCII.delete)))
    }

    /// The lane (0...7, lowest first) of the lowest flag in `flags`, which must not be zero.
    @inline(__always)
    static func firstFlagged(_ flags: UInt64) -> Int {
        flags.trailingZeroBitCount &>> 3
    }

    /// The index of the first control byte or DEL in `start..<end`, or `end`.
    @inline(__always)
    static func firstControl(in buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        var index = start
        // Wrapping arithmetic: indices stay within `start...end`.
        if index &+ 8 <= end {
            // Not nil: the buffer holds bytes at `index`.
            let base = buffer.baseAddress.unsafelyUnwrapped
            repeat {
                let controls = controlBytes(in: load(base, index))
                if controls != 0 { return index &+ firstFlagged(controls) }
                index &+= 8
            } while index &+ 8 <= end
        }
        while index < end {
            let byte = buffer[index]
            if byte < ASCII.space || byte == ASCII.delete { return index }
            index &+= 1
        }
        return end
    }

    /// Whether some byte is not plainly valid in a field value: a control (TAB included, which
    /// the slow path accepts) or DEL.
    @inline(__always)
    static func mayHoldInvalidValueByte(_ word: UInt64) -> Bool {
        controlBytes(in: word) != 0
    }
}
