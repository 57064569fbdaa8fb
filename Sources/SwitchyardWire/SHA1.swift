/// SHA-1 (RFC 3174, FIPS 180-4 §6.1), for the one place the WebSocket handshake needs it: the
/// `Sec-WebSocket-Accept` value (RFC 6455 §4.2.2). SHA-1 is broken for collision resistance;
/// the handshake uses it only to show the server read the key, never as a security boundary,
/// so nothing else in Switchyard should call this.
///
/// Written for inputs of a few dozen bytes: one pass over the input, scratch space on the
/// stack, one allocation (the 20-byte result).
public enum SHA1 {
    /// The 20-byte digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var state = State()
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16 + 16) { scratch in
            let block = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(scratch)[0..<64])
            let schedule = UnsafeMutableBufferPointer(rebasing: scratch[16..<32])
            var filled = 0
            for byte in bytes {
                block[filled] = byte
                filled += 1
                if filled == 64 {
                    state.compress(UnsafeRawBufferPointer(block), schedule: schedule)
                    filled = 0
                }
            }

            // RFC 3174 §4: a 1 bit, zeros up to 56 bytes mod 64, then the message length in bits
            // as a big-endian 64-bit integer. SHA-1 is defined for messages under 2^64 bits; the
            // wrapping multiply keeps a longer one (which cannot fit in memory) from trapping.
            let bitLength = UInt64(bytes.count) &* 8
            block[filled] = 0x80
            filled += 1
            if filled > 56 {
                for index in filled..<64 { block[index] = 0 }
                state.compress(UnsafeRawBufferPointer(block), schedule: schedule)
                filled = 0
            }
            for index in filled..<56 { block[index] = 0 }
            block.storeBytes(of: bitLength.bigEndian, toByteOffset: 56, as: UInt64.self)
            state.compress(UnsafeRawBufferPointer(block), schedule: schedule)
        }
        return state.digest
    }

    /// H0...H4 (RFC 3174 §6.1).
    private struct State {
        var h0: UInt32 = 0x6745_2301
        var h1: UInt32 = 0xEFCD_AB89
        var h2: UInt32 = 0x98BA_DCFE
        var h3: UInt32 = 0x1032_5476
        var h4: UInt32 = 0xC3D2_E1F0

        /// Folds one 64-byte block into the state. RFC 3174 §6.2 (method 2): a 16-word circular
        /// schedule instead of 80 words, W[t] = S^1(W[t-3] XOR W[t-8] XOR W[t-14] XOR W[t-16])
        /// kept at index t mod 16.
        mutating func compress(_ block: UnsafeRawBufferPointer, schedule w: UnsafeMutableBufferPointer<UInt32>) {
            for t in 0..<16 { w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self)) }
            var a = h0, b = h1, c = h2, d = h3, e = h4
            for t in 0..<80 {
                let s = t & 15
                if t >= 16 {
                    w[s] = rotl(w[(s + 13) & 15] ^ w[(s + 8) & 15] ^ w[(s + 2) & 15] ^ w[s], 1)
                }
                // f(t; B, C, D) and K(t), RFC 3174 §5.
                let f: UInt32
                let k: UInt32
                switch t {
                case 0..<20:
                    f = (b & c) | (~b & d)
                    k = 0x5A82_7999
                case 20..<40:
                    f = b ^ c ^ d
                    k = 0x6ED9_EBA1
                case 40..<60:
                    f = (b & c) | (b & d) | (c & d)
                    k = 0x8F1B_BCDC
                default:
                    f = b ^ c ^ d
                    k = 0xCA62_C1D6
                }
                let temp = rotl(a, 5) &+ f &+ e &+ w[s] &+ k
                e = d
                d = c
                c = rotl(b, 30)
                b = a
                a = temp
            }
            h0 = h0 &+ a
            h1 = h1 &+ b
            h2 = h2 &+ c
            h3 = h3 &+ d
            h4 = h4 &+ e
        }

        /// H0 H1 H2 H3 H4, each big-endian.
        var digest: [UInt8] {
            [UInt8](unsafeUninitializedCapacity: 20) { output, count in
                let raw = UnsafeMutableRawBufferPointer(output)
                raw.storeBytes(of: h0.bigEndian, toByteOffset: 0, as: UInt32.self)
                raw.storeBytes(of: h1.bigEndian, toByteOffset: 4, as: UInt32.self)
                raw.storeBytes(of: h2.bigEndian, toByteOffset: 8, as: UInt32.self)
                raw.storeBytes(of: h3.bigEndian, toByteOffset: 12, as: UInt32.self)
                raw.storeBytes(of: h4.bigEndian, toByteOffset: 16, as: UInt32.self)
                count = 20
            }
        }

        /// S^n(X), the circular left shift.
        @inline(__always)
        private func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 {
            (x << n) | (x >> (32 - n))
        }
    }
}
