/// SplitMix64, seeded once from the system: masking keys and message patterns for a load
/// client need to vary, not to be unpredictable, and the system generator costs a syscall.
struct FastRandom: RandomNumberGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A nonzero 32-bit masking key.
    @inline(__always)
    mutating func maskKey() -> UInt32 {
        UInt32(truncatingIfNeeded: next()) | 1
    }
}
