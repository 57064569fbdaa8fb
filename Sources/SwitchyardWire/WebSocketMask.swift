/// Client-to-server masking (RFC 6455 §5.3):
///
///     j                   = i MOD 4
///     transformed-octet-i = original-octet-i XOR masking-key-octet-j
///
/// XOR is its own inverse, so one function masks and unmasks.
public enum WebSocketMask {
    /// XORs `bytes` in place with the mask `key` (wire order, as in `WebSocketFrameHeader`),
    /// where `bytes[0]` is payload byte `offset`. A payload that arrives in several reads is
    /// unmasked read by read: pass each run with the count of payload bytes before it. Only
    /// `offset % 4` matters, so any running count that started at the payload's first byte
    /// works.
    public static func unmask(_ bytes: UnsafeMutableRawBufferPointer, key: UInt32, offset: Int) {
        guard !bytes.isEmpty else { return }
        // The key rotated so its first byte lines up with bytes[0], repeated to 8 bytes. It is
        // built in memory order, so a native-endian load of the payload lines up with it.
        let shift = UInt32((offset & 3) * 8)
        let rotated = shift == 0 ? key : key << shift | key >> (32 - shift)
        let pattern = UInt64(rotated.bigEndian) << 32 | UInt64(rotated.bigEndian)
        var index = 0
        let count = bytes.count
        // Eight bytes at a time; a payload chunk is often kilobytes.
        while count - index >= 8 {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            bytes.storeBytes(of: word ^ pattern, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        withUnsafeBytes(of: pattern) { patternBytes in
            for position in index..<count {
                bytes[position] ^= patternBytes[position - index]
            }
        }
    }
}
