/// Validation of a `server_name` extension's `HostName` (RFC 6066 §3), for
/// `$ssl_preread_server_name`.
///
///     opaque HostName<1..2^16-1>;
///
/// RFC 6066: "the fully qualified DNS hostname of the server, as understood by the client",
/// ASCII, without a trailing dot, IP literals not allowed. The name is a routing key (a stream
/// `map` matches it) and lands in logs, so it is checked as a host name and folded to lower
/// case, the form nginx's maps and `server_name` compare:
/// - labels of letters, digits, `-` and `_`, 1 to 63 bytes each, joined by single dots. `_` is
///   not LDH (RFC 1123), but real names carry it (Docker and Kubernetes service names,
///   `_acme-challenge`-style labels) and clients send it, so refusing it would break routing
///   for no safety gained;
/// - one trailing dot is dropped (`example.com.` routes as `example.com`);
/// - at most 253 bytes after that (the 255-byte wire form of a name, RFC 1035 §2.3.4);
/// - anything else (NUL, `/`, `:`, spaces, bytes >= 0x80, an empty label) is invalid, and the
///   whole ClientHello with it: such a name is an attack or garbage, not a route.
enum TLSServerName {
    static let maxLength = 253
    static let maxLabelLength = 63

    /// The validated, lowercased name, or nil.
    static func validated(_ bytes: [UInt8]) -> String? {
        var name = bytes
        if name.last == ASCII.dot { name.removeLast() }
        guard !name.isEmpty, name.count <= maxLength else { return nil }
        var labelLength = 0
        for index in name.indices {
            let byte = ASCII.lowercased(name[index])
            name[index] = byte
            if byte == ASCII.dot {
                guard labelLength > 0 else { return nil }
                labelLength = 0
                continue
            }
            let isLetter = byte &- 0x61 < 26
            let isDigit = byte &- ASCII.zero < 10
            guard isLetter || isDigit || byte == 0x2D || byte == 0x5F else { return nil }
            labelLength += 1
            guard labelLength <= maxLabelLength else { return nil }
        }
        guard labelLength > 0 else { return nil }
        return String(decoding: name, as: UTF8.self)
    }
}
