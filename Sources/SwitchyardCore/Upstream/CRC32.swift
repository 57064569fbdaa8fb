/// CRC-32 (IEEE 802.3, reflected, as zlib and nginx's `ngx_crc32_*` compute it). The hash
/// balancers must produce nginx's numbers bit for bit so a key maps to the same server here
/// as there, and on every Switchyard instance.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }

    /// The running value before the final inversion (nginx's `ngx_crc32_init`), so a ring
    /// point can continue from its server's base hash.
    private(set) var running: UInt32 = 0xFFFF_FFFF

    mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            running = Self.table[Int((running ^ UInt32(byte)) & 0xFF)] ^ (running >> 8)
        }
    }

    var value: UInt32 { running ^ 0xFFFF_FFFF }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}
