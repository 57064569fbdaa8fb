/// The handful of ASCII bytes the HTTP/1.1 grammar is written in, and ASCII case folding.
///
/// HTTP field names, methods compared by the proxy, transfer codings and connection options are
/// case-insensitive ASCII (RFC 9110 §5.1, §7.6.1); nothing here knows about Unicode.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let doubleQuote: UInt8 = 0x22
    static let percent: UInt8 = 0x25
    static let comma: UInt8 = 0x2C
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let questionMark: UInt8 = 0x3F
    static let asterisk: UInt8 = 0x2A
    static let backslash: UInt8 = 0x5C
    static let upperH: UInt8 = 0x48
    static let upperP: UInt8 = 0x50
    static let upperT: UInt8 = 0x54
    static let delete: UInt8 = 0x7F

    /// `A`-`Z` folded to `a`-`z`; every other byte unchanged.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// `SP / HTAB`: the whitespace of OWS and BWS (RFC 9110 §5.6.3).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    /// The value of a `DIGIT`, or nil.
    @inline(__always)
    static func decimalValue(_ byte: UInt8) -> Int? {
        let value = byte &- zero
        return value < 10 ? Int(value) : nil
    }

    /// The value of a `HEXDIG` (either case, as RFC 5234 §2.3 makes literal strings
    /// case-insensitive), or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        if let digit = decimalValue(byte) { return digit }
        let letter = (byte | 0x20) &- 0x61
        return letter < 6 ? Int(letter) + 10 : nil
    }
}
