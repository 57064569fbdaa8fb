/// A Chrome-shaped TLS 1.3 ClientHello in one record: GREASE, SNI, ALPN `h2,http/1.1`,
/// supported_versions, an x25519 key share and the other extensions Chrome sends; 437 bytes
/// (the post-quantum key share current Chrome adds, 1.2 KB more, is left out).
public enum ClientHello {
    public static let chrome: [UInt8] = {
        var extensions: [UInt8] = []
        func add(_ type: UInt16, _ data: [UInt8]) {
            extensions += u16(Int(type)) + u16(data.count) + data
        }
        let name = Array("app.example.com".utf8)
        add(0x0A0A, [])  // GREASE
        add(0, u16(name.count + 3) + [0] + u16(name.count) + name)  // server_name
        add(23, [])  // extended_master_secret
        add(0xFF01, [0])  // renegotiation_info
        add(10, [0, 8, 0x3A, 0x3A, 0x00, 0x1D, 0x00, 0x17, 0x00, 0x18])  // supported_groups
        add(11, [1, 0])  // ec_point_formats
        add(35, [])  // session_ticket
        add(16, [0, 12, 2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8))  // ALPN
        add(5, [1, 0, 0, 0, 0])  // status_request
        add(13, [0, 16, 4, 3, 8, 4, 4, 1, 5, 3, 8, 5, 5, 1, 8, 6, 6, 1])  // signature_algorithms
        add(18, [])  // signed_certificate_timestamp
        add(51, [0, 41, 0x3A, 0x3A, 0, 1, 0, 0, 0x1D, 0, 32] + [UInt8](repeating: 0x42, count: 32))  // key_share
        add(45, [1, 1])  // psk_key_exchange_modes
        add(43, [6, 0x7A, 0x7A, 3, 4, 3, 3])  // supported_versions: GREASE, 1.3, 1.2
        add(27, [2, 0, 2])  // compress_certificate: brotli
        add(17513, [0, 3, 2] + Array("h2".utf8))  // application_settings
        add(0x1A1A, [0])  // GREASE
        add(21, [UInt8](repeating: 0, count: 120))  // padding

        let suites: [Int] = [0x0A0A, 0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030,
                             0xCCA9, 0xCCA8, 0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035]
        var hello = u16(0x0303) + [UInt8](repeating: 0x17, count: 32)  // legacy_version, random
        hello += [32] + [UInt8](repeating: 0x5A, count: 32)  // legacy_session_id
        hello += u16(suites.count * 2) + suites.flatMap(u16)
        hello += [1, 0]  // compression: null
        hello += u16(extensions.count) + extensions
        let handshake = [1] + u24(hello.count) + hello
        return [22, 3, 1] + u16(handshake.count) + handshake
    }()

    private static func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    private static func u24(_ value: Int) -> [UInt8] { [UInt8(value >> 16 & 0xFF)] + u16(value) }
}
