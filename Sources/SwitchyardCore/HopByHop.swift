import SwitchyardWire

/// Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection and never cross the
/// proxy, in either direction. Besides the fixed list, a message's Connection field names
/// more; nginx forwards those and Proxy-Connection, Switchyard does not.
enum HopByHop {
    /// Lower-case names that never cross the proxy as the sender wrote them. Framing fields
    /// (Content-Length, Transfer-Encoding) are rebuilt by the proxy from the parsed head.
    static let fixed: [[UInt8]] = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
    ].map { Array($0.utf8) }

    /// The field names a message's Connection lines list, lower-cased.
    static func named(by headers: [HTTPHeaderField], in buffer: UnsafeRawBufferPointer) -> [[UInt8]] {
        var names: [[UInt8]] = []
        for field in headers where field.name.equalsCaseInsensitive("connection", in: buffer) {
            var token: [UInt8] = []
            for byte in buffer[field.value.range] {
                if byte == UInt8(ascii: ",") {
                    if !token.isEmpty { names.append(token) }
                    token.removeAll(keepingCapacity: true)
                } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
                    token.append(ASCIIText.lowercased(byte))
                }
            }
            if !token.isEmpty { names.append(token) }
        }
        return names
    }

    /// Whether `name` (a range in `buffer`) is in `list` of lower-case names.
    static func contains(_ list: [[UInt8]], _ name: ByteRange, in buffer: UnsafeRawBufferPointer) -> Bool {
        list.contains { name.equalsCaseInsensitive($0, in: buffer) }
    }
}

/// ASCII helpers for building heads.
enum ASCIIText {
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    static func lowercased(_ text: String) -> [UInt8] {
        text.utf8.map(lowercased)
    }
}

extension Array where Element == UInt8 {
    mutating func append(ascii text: String) {
        append(contentsOf: text.utf8)
    }

    mutating func appendField(_ name: some Sequence<UInt8>, _ value: some Sequence<UInt8>) {
        append(contentsOf: name)
        append(UInt8(ascii: ":"))
        append(UInt8(ascii: " "))
        append(contentsOf: value)
        append(UInt8(ascii: "\r"))
        append(UInt8(ascii: "\n"))
    }
}
