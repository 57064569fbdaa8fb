/// The TLS record layer, as far as a peek at a client's first flight needs it
/// (RFC 8446 §5.1; RFC 5246 §6.2.1 for TLS 1.2 and earlier).
///
///     struct {
///         ContentType type;                    /* 22 = handshake */
///         ProtocolVersion legacy_record_version;
///         uint16 length;
///         opaque fragment[TLSPlaintext.length];
///     } TLSPlaintext;
enum TLSRecord {
    /// Type, version and length.
    static let headerLength = 5
    /// `ContentType.handshake`.
    static let handshakeType: UInt8 = 22
    /// `HandshakeType.client_hello`.
    static let clientHelloType: UInt8 = 1
    /// The largest fragment accepted. RFC 8446 caps a plaintext record at 2^14 bytes; like
    /// nginx's preread we accept up to TLS 1.2's ciphertext bound, 2^14 + 2048 (RFC 5246
    /// §6.2.3), so a slightly oversized but otherwise sane record is left to the TLS server
    /// to judge. Zero is refused: RFC 8446 forbids empty handshake fragments.
    static let maxFragmentLength = 16384 + 2048

    /// The big-endian `uint16` at `offset`.
    @inline(__always)
    static func uint16(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> Int {
        Int(buffer[offset]) << 8 | Int(buffer[offset + 1])
    }
}
