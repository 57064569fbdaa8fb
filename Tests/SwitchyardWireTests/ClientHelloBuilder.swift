@testable import SwitchyardWire

/// Writes TLS presentation-language structures (RFC 8446 §3) and remembers where every length
/// field is, so tests can break each one in turn.
struct TLSWriter {
    /// A length-prefixed vector: where its length field is, and the bytes it covers.
    struct LengthField {
        var name: String
        /// The error field the parser names when this length overruns its container.
        var field: ClientHelloField?
        var offset: Int
        var width: Int
        var contentStart: Int
        var contentEnd: Int
        /// The enclosing vector (its content is this field's container); nil at the top.
        var parent: Int?
    }

    var bytes: [UInt8] = []
    var fields: [LengthField] = []
    private var open: [Int] = []

    mutating func u8(_ value: Int) { bytes.append(UInt8(value)) }
    mutating func u16(_ value: Int) { bytes += [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    mutating func append(_ more: [UInt8]) { bytes += more }

    /// A vector whose length is written in `width` bytes before `body`'s bytes.
    mutating func vector(_ name: String, width: Int, field: ClientHelloField? = nil, _ body: (inout TLSWriter) -> Void) {
        let index = fields.count
        let offset = bytes.count
        bytes += [UInt8](repeating: 0, count: width)
        fields.append(LengthField(name: name, field: field, offset: offset, width: width, contentStart: bytes.count, contentEnd: 0, parent: open.last))
        open.append(index)
        body(&self)
        open.removeLast()
        let length = bytes.count - fields[index].contentStart
        fields[index].contentEnd = bytes.count
        for byte in 0..<width { bytes[offset + byte] = UInt8(length >> (8 * (width - 1 - byte)) & 0xFF) }
    }

    /// `bytes` with the length field `index` set to `value`.
    func withLength(_ index: Int, _ value: Int) -> [UInt8] {
        var copy = bytes
        let field = fields[index]
        for byte in 0..<field.width { copy[field.offset + byte] = UInt8(value >> (8 * (field.width - 1 - byte)) & 0xFF) }
        return copy
    }
}

/// One ClientHello extension (RFC 8446 §4.2), written with its real wire layout.
enum HelloExtension {
    /// `server_name` (0): entries of (name_type, name).
    case serverName([(type: UInt8, name: [UInt8])])
    /// `application_layer_protocol_negotiation` (16).
    case alpn([String])
    /// `supported_versions` (43).
    case supportedVersions([UInt16])
    /// `key_share` (51): (group, key_exchange length) entries, key bytes filled with 0x11.
    case keyShare([(group: UInt16, size: Int)])
    /// Any other extension, its data as given (GREASE ones included).
    case raw(UInt16, [UInt8])

    static func sni(_ name: String) -> HelloExtension { .serverName([(0, Array(name.utf8))]) }

    func write(_ writer: inout TLSWriter) {
        switch self {
        case .serverName(let entries):
            writer.u16(0)
            writer.vector("server_name extension_data", width: 2, field: .extensionData) { data in
                data.vector("server_name_list", width: 2, field: .serverNameList) { list in
                    for entry in entries {
                        list.u8(Int(entry.type))
                        list.vector("HostName", width: 2, field: .serverName) { $0.append(entry.name) }
                    }
                }
            }
        case .alpn(let names):
            writer.u16(16)
            writer.vector("alpn extension_data", width: 2, field: .extensionData) { data in
                data.vector("protocol_name_list", width: 2, field: .protocolNameList) { list in
                    for name in names { list.vector("ProtocolName", width: 1, field: .protocolName) { $0.append(Array(name.utf8)) } }
                }
            }
        case .supportedVersions(let versions):
            writer.u16(43)
            writer.vector("supported_versions extension_data", width: 2, field: .extensionData) { data in
                data.vector("versions", width: 1, field: .supportedVersions) { list in
                    for version in versions { list.u16(Int(version)) }
                }
            }
        case .keyShare(let shares):
            writer.u16(51)
            writer.vector("key_share extension_data", width: 2, field: .extensionData) { data in
                data.vector("client_shares", width: 2) { list in
                    for share in shares {
                        list.u16(Int(share.group))
                        list.vector("key_exchange", width: 2) { $0.append([UInt8](repeating: 0x11, count: share.size)) }
                    }
                }
            }
        case .raw(let type, let payload):
            writer.u16(Int(type))
            writer.vector("extension_data \(type)", width: 2, field: .extensionData) { $0.append(payload) }
        }
    }
}

/// Builds ClientHello handshake messages and the records that carry them.
struct ClientHelloBuilder {
    var legacyVersion: UInt16 = 0x0303
    var sessionID: [UInt8] = []
    /// GREASE (RFC 8701), TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
    /// ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256.
    var cipherSuites: [UInt16] = [0x0A0A, 0x1301, 0x1302, 0xC02B, 0xC02F]
    /// `null` only, as TLS 1.3 requires.
    var compressionMethods: [UInt8] = [0]
    /// nil: no extensions block at all (a TLS 1.2-and-earlier hello may end after the
    /// compression methods).
    var extensions: [HelloExtension]? = []

    /// The handshake message: type 1, a 24-bit length, the ClientHello.
    func writer() -> TLSWriter {
        var writer = TLSWriter()
        writer.u8(1)
        writer.vector("handshake", width: 3) { hello in
            hello.u16(Int(legacyVersion))
            hello.append((0..<32).map { UInt8($0) })  // random
            hello.vector("legacy_session_id", width: 1, field: .sessionID) { $0.append(sessionID) }
            hello.vector("cipher_suites", width: 2, field: .cipherSuites) { list in
                for suite in cipherSuites { list.u16(Int(suite)) }
            }
            hello.vector("legacy_compression_methods", width: 1, field: .compressionMethods) { $0.append(compressionMethods) }
            if let extensions {
                hello.vector("extensions", width: 2, field: .extensions) { list in
                    for item in extensions { item.write(&list) }
                }
            }
        }
        return writer
    }

    var handshake: [UInt8] { writer().bytes }

    /// The message in one record (`legacy_record_version` TLS 1.0, as TLS 1.3 clients send).
    var record: [UInt8] { Self.records(handshake, fragments: [handshake.count]) }

    /// `handshake` split into records whose fragments have the given sizes (which must add
    /// up to at least the message; the last takes what is left).
    static func records(_ handshake: [UInt8], fragments: [Int], recordVersion: UInt16 = 0x0301) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        for (index, size) in fragments.enumerated() {
            let end = index == fragments.count - 1 ? handshake.count : min(start + size, handshake.count)
            out += recordHeader(type: 22, version: recordVersion, length: end - start)
            out += handshake[start..<end]
            start = end
        }
        return out
    }

    static func recordHeader(type: UInt8, version: UInt16 = 0x0301, length: Int) -> [UInt8] {
        [type, UInt8(version >> 8), UInt8(version & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
    }

    /// A Chrome-shaped TLS 1.3 hello: SNI, ALPN `h2,http/1.1`, GREASE in the cipher suites,
    /// extensions, supported groups and versions, a 32-byte session id, many extensions.
    static var browser: ClientHelloBuilder {
        var builder = ClientHelloBuilder()
        builder.sessionID = [UInt8](repeating: 0x5A, count: 32)
        builder.extensions = [
            .raw(0x0A0A, []),  // GREASE extension, empty
            .sni("example.com"),
            .raw(23, []),  // extended_master_secret
            .raw(0xFF01, [0]),  // renegotiation_info, empty
            .raw(10, [0, 6, 0x3A, 0x3A, 0x00, 0x1D, 0x00, 0x17]),  // supported_groups: GREASE, x25519, secp256r1
            .raw(11, [1, 0]),  // ec_point_formats: uncompressed
            .raw(35, []),  // session_ticket, empty
            .alpn(["h2", "http/1.1"]),
            .raw(5, [1, 0, 0, 0, 0]),  // status_request: ocsp
            .raw(13, [0, 4, 0x04, 0x03, 0x08, 0x04]),  // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256
            .keyShare([(0x3A3A, 1), (0x001D, 32)]),  // GREASE share, x25519
            .raw(45, [1, 1]),  // psk_key_exchange_modes: psk_dhe_ke
            .supportedVersions([0x7A7A, 0x0304, 0x0303]),  // GREASE, TLS 1.3, TLS 1.2
            .raw(27, [2, 0, 2]),  // compress_certificate: brotli
            .raw(0x1A1A, [0]),  // GREASE extension, one byte
            .raw(21, [UInt8](repeating: 0, count: 40)),  // padding
        ]
        return builder
    }

    /// A small hello holding one of each length field the parser reads (every vector shorter
    /// than 255 bytes, so a one-byte length can always be made to overrun its container).
    static var compact: ClientHelloBuilder {
        var builder = ClientHelloBuilder()
        builder.sessionID = [1, 2, 3, 4]
        builder.cipherSuites = [0x1301, 0x1302]
        builder.extensions = [
            .raw(0x2A2A, []),  // GREASE extension
            .sni("example.com"),
            .alpn(["h2", "http/1.1"]),
            .supportedVersions([0x0304, 0x0303]),
        ]
        return builder
    }

    /// A post-quantum hello as current browsers send it: an X25519MLKEM768 key share (1,216
    /// bytes) beside x25519, about 1.4 KB more than a classic one; over 1,500 bytes in all.
    static var postQuantum: ClientHelloBuilder {
        var builder = browser
        builder.extensions = builder.extensions!.map { item in
            if case .keyShare = item { return .keyShare([(0x5A5A, 1), (0x11EC, 1216), (0x001D, 32)]) }
            return item
        }
        return builder
    }
}
