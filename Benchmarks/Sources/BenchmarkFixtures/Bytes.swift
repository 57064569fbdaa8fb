/// Byte streams that are not protocol heads.
public enum Bytes {
    /// `count` pseudo-random bytes, the same on every run (SplitMix64 from a fixed seed), so
    /// the classifier sees the same first bytes, and decides at the same place, every time.
    public static func random(count: Int, seed: UInt64 = 0x5EED_CAFE) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return UInt8(truncatingIfNeeded: z ^ (z >> 31))
        }
    }

    /// `count` client-to-server WebSocket binary frames of `payload` bytes each, back to back,
    /// each with its own masking key, as a browser sends them.
    public static func maskedFrames(count: Int, payload: Int) -> [UInt8] {
        precondition(payload <= 0xFFFF)
        let body = random(count: payload, seed: 7)
        var out: [UInt8] = []
        for index in 0..<count {
            out.append(0x82)  // FIN, binary
            if payload < 126 {
                out.append(0x80 | UInt8(payload))
            } else {
                out += [0x80 | 126, UInt8(payload >> 8), UInt8(payload & 0xFF)]
            }
            out += random(count: 4, seed: UInt64(index))  // masking key
            out += body
        }
        return out
    }
}
