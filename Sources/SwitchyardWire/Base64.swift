/// Base64 encoding with the standard alphabet and `=` padding (RFC 4648 §4), as the WebSocket
/// handshake's `Sec-WebSocket-Accept` needs it (RFC 6455 §4.2.2). Encoding only: nothing in
/// the proxy decodes base64.
public enum Base64 {
    /// The 64-character alphabet of RFC 4648 §4, Table 1.
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let pad = ASCII.equals

    /// `bytes` in base64: every 3 bytes become 4 characters; a final group of 1 or 2 bytes
    /// becomes 2 or 3 characters followed by `==` or `=` (RFC 4648 §4).
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let encodedLength = (bytes.count + 2) / 3 * 4
        return String(unsafeUninitializedCapacity: encodedLength) { output in
            var written = 0
            var group: UInt32 = 0
            var groupCount = 0
            for byte in bytes {
                group = group << 8 | UInt32(byte)
                groupCount += 1
                if groupCount == 3 {
                    for shift in [18, 12, 6, 0] as [UInt32] { output[written] = alphabet[Int(group >> shift & 0x3F)]; written += 1 }
                    group = 0
                    groupCount = 0
                }
            }
            if groupCount > 0 {
                // Pad the final group with zero bits to a multiple of 6, then with `=`.
                group <<= UInt32(8 * (3 - groupCount))
                for index in 0..<4 {
                    output[written] = index <= groupCount ? alphabet[Int(group >> UInt32(18 - 6 * index) & 0x3F)] : pad
                    written += 1
                }
            }
            return written
        }
    }

    /// Whether `byte` is one of the 64 alphabet characters (not `=`).
    @inline(__always)
    static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "+"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}
