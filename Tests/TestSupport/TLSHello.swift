/// TLS ClientHellos as a client's first flight, for routing tests: no handshake follows, only
/// the fields `ssl_preread` reads (SNI, ALPN, supported_versions) and a key share whose size
/// sets the whole hello's size (a post-quantum hybrid share makes it larger than one segment).
public struct TLSHello: Sendable {
    public var serverName: String?
    public var alpn: [String] = []
    /// `supported_versions`; empty leaves the extension out (a TLS 1.2 client).
    public var versions: [UInt16] = [0x0304, 0x0303]
    /// Bytes of key material in the key share (32 for x25519; X25519MLKEM768 alone is 1,216).
    public var keyShareSize = 32

    public init(serverName: String?, alpn: [String] = [], keyShareSize: Int = 32) {
        self.serverName = serverName
        self.alpn = alpn
        self.keyShareSize = keyShareSize
    }

    /// The ClientHello in one TLS record (record version TLS 1.0, as TLS 1.3 clients send).
    public var record: [UInt8] {
        let message = handshake
        return [0x16, 0x03, 0x01] + Self.u16(message.count) + message
    }

    /// Handshake type 1, a 24-bit length, the hello.
    public var handshake: [UInt8] {
        var hello: [UInt8] = [0x03, 0x03] + (0..<32).map { UInt8($0) }  // legacy_version, random
        hello += [0]  // no session id
        hello += Self.u16(4) + [0x13, 0x01, 0x13, 0x02]  // TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384
        hello += [1, 0]  // compression: null
        var extensions: [UInt8] = []
        if let serverName {
            let name = Array(serverName.utf8)
            let entry = [0] + Self.u16(name.count) + name
            extensions += Self.extensionBlock(0, Self.u16(entry.count) + entry)
        }
        if !alpn.isEmpty {
            let list = alpn.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
            extensions += Self.extensionBlock(16, Self.u16(list.count) + list)
        }
        if !versions.isEmpty {
            let list = versions.flatMap(Self.u16)
            extensions += Self.extensionBlock(43, [UInt8(list.count)] + list)
        }
        let share = Self.u16(0x001D) + Self.u16(keyShareSize) + [UInt8](repeating: 0x11, count: keyShareSize)
        extensions += Self.extensionBlock(51, Self.u16(share.count) + share)
        hello += Self.u16(extensions.count) + extensions
        return [1, UInt8(hello.count >> 16), UInt8(hello.count >> 8 & 0xFF), UInt8(hello.count & 0xFF)] + hello
    }

    private static func extensionBlock(_ type: Int, _ data: [UInt8]) -> [UInt8] {
        u16(type) + u16(data.count) + data
    }

    private static func u16(_ value: Int) -> [UInt8] {
        [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func u16(_ value: UInt16) -> [UInt8] { u16(Int(value)) }
}
