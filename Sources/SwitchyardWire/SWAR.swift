/// Eight-bytes-at-a-time checks ("SIMD within a register") for the two per-byte scans of a
/// head: finding line ends, and validating field values. Each answers "might any of these 8
/// bytes need a closer look?" exactly (no false negatives, no false positives); the caller then
/// walks those 8 bytes one at a time.
enum SWAR {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Loads 8 bytes at `offset` (no alignment needed).
    @inline(__always)
    static func load(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Whether some byte of `word` is below `limit` (`limit` <= 128). The classic test: a
    /// byte below `limit` borrows into its high bit when `limit` is subtracted, and only bytes
    /// below 0x80 are considered, so bytes >= 0x80 never trigger it.
    @inline(__always)
    static func hasByte(below limit: UInt8, in word: UInt64) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// Whether some byte of `word` equals `byte`.
    @inline(__always)
    static func hasByte(_ byte: UInt8, in word: UInt64) -> Bool {
        hasByte(below: 1, in: word ^ (ones &* UInt64(byte)))
    }

    /// Whether some byte might end a line: LF or CR, or any byte <= 0x0D (TAB among them).
    @inline(__always)
    static func mayHoldLineEnd(_ word: UInt64) -> Bool {
        hasByte(below: ASCII.cr + 1, in: word)
    }

    /// Whether some byte is not plainly valid in a field value: a control (TAB included, which
    /// the slow path accepts) or DEL.
    @inline(__always)
    static func mayHoldInvalidValueByte(_ word: UInt64) -> Bool {
        hasByte(below: ASCII.space, in: word) || hasByte(0x7F, in: word)
    }
}
