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
    /// Tokens that are fixed hop-by-hop names are left out: they are removed anyway, and
    /// leaving them out keeps the usual `Connection: keep-alive` from allocating anything.
    static func named(by headers: [HTTPHeaderField], in buffer: UnsafeRawBufferPointer) -> [[UInt8]] {
        var names: [[UInt8]] = []
        for field in headers where field.name.equalsCaseInsensitive("connection", in: buffer) {
            var start = field.value.range.lowerBound
            let end = field.value.range.upperBound
            while start < end {
                var stop = start
                while stop < end && buffer[stop] != UInt8(ascii: ",") { stop += 1 }
                var low = start
                var high = stop
                while low < high && (buffer[low] == UInt8(ascii: " ") || buffer[low] == UInt8(ascii: "\t")) { low += 1 }
                while high > low && (buffer[high - 1] == UInt8(ascii: " ") || buffer[high - 1] == UInt8(ascii: "\t")) { high -= 1 }
                let token = ByteRange(low..<high)
                if low < high && !contains(fixed, token, in: buffer) {
                    names.append(buffer[low..<high].map(ASCIIText.lowercased))
                }
                start = stop + 1
            }
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

    /// `n` in decimal, without the String a conversion would allocate.
    mutating func appendDecimal(_ n: some BinaryInteger) {
        if n < 0 { append(UInt8(ascii: "-")) }
        var value = UInt64(n.magnitude)
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        Swift.withUnsafeMutableBytes(of: &scratch) { digits in
            var index = digits.count
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
                value /= 10
            } while value > 0
            append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[index...]))
        }
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
