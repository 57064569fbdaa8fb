/// The two computations of the WebSocket opening handshake (RFC 6455 §4) that touch bytes:
/// checking a client's `Sec-WebSocket-Key` and deriving the server's `Sec-WebSocket-Accept`.
/// The header fields themselves come from the HTTP head parsers.
public enum WebSocketHandshake {
    /// The GUID a server appends to the key (RFC 6455 §1.3, §4.2.2).
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key` (RFC 6455 §4.2.2,
    /// step 5.4): the base64 of the SHA-1 of the key, as sent (leading and trailing whitespace
    /// already stripped by the field parser), concatenated with the GUID.
    ///
    ///     acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    public static func acceptValue(forKey key: some StringProtocol) -> String {
        var input = Array(key.utf8)
        input.append(contentsOf: guid.utf8)
        return Base64.encode(SHA1.hash(input))
    }

    /// Whether `key` is a usable `Sec-WebSocket-Key`: "a base64-encoded value that, when
    /// decoded, is 16 bytes in length" (RFC 6455 §4.1 step 7, §11.3.1). 16 bytes encode to
    /// exactly 24 characters, 22 from the alphabet followed by `==`.
    ///
    /// The last alphabet character carries 4 unused bits that RFC 4648 §3.5 says should be zero;
    /// like most servers we do not insist (a key with them set still decodes to 16 bytes), and
    /// the accept value is computed over the key as sent either way.
    public static func isValidKey(_ key: some StringProtocol) -> Bool {
        var count = 0
        for byte in key.utf8 {
            switch count {
            case 0..<22: guard Base64.isAlphabet(byte) else { return false }
            case 22, 23: guard byte == Base64.pad else { return false }
            default: return false
            }
            count += 1
        }
        return count == 24
    }
}
