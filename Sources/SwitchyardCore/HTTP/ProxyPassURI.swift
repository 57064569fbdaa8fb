import SwitchyardConfig

/// nginx's rule for the URI sent upstream. Without a URI part in `proxy_pass`, the request
/// URI goes as the client sent it. With one, the part of the normalized URI that matched the
/// location prefix is replaced by it, and the arguments follow.
enum ProxyPassURI {
    /// `locationPrefix` is the matched prefix location's URI (nil for a regex location).
    static func target(proxyPass: ProxyPassConfig, locationPrefix: String?, record: HTTPExchangeRecord) -> [UInt8] {
        var out: [UInt8] = []
        write(proxyPass: proxyPass, locationPrefix: locationPrefix, record: record, into: &out)
        return out
    }

    /// `target`, appended to a buffer the caller keeps from request to request.
    static func write(proxyPass: ProxyPassConfig, locationPrefix: String?, record: HTTPExchangeRecord, into out: inout [UInt8]) {
        guard let replacement = proxyPass.uri else {
            let range = record.head.target.range
            record.headBytes.withUnsafeBytes { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[range])) }
            return
        }
        out.append(contentsOf: uri(replacement: replacement, locationPrefix: locationPrefix, record: record))
    }

    private static func uri(replacement: String, locationPrefix: String?, record: HTTPExchangeRecord) -> [UInt8] {
        var path = replacement
        if let prefix = locationPrefix, record.uri.hasPrefix(prefix) {
            path += escape(String(record.uri.dropFirst(prefix.count)))
        } else {
            path += escape(record.uri)
        }
        if let query = record.head.query {
            return Array(path.utf8) + [UInt8(ascii: "?")] + record.withHead { Array($0[query.range]) }
        }
        return Array(path.utf8)
    }

    /// Re-escapes a decoded path for the request line: what is not a safe path byte becomes
    /// `%XX`, so a decoded space or `?` cannot change the request's meaning upstream.
    static func escape(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            if isSafe(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// RFC 3986 pchar without `%` (already decoded) plus `/`.
    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
            true
        default:
            false
        }
    }
}
