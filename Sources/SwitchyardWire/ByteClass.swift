/// The RFC 9110 / RFC 3986 character classes the HTTP/1.1 parsers need, answered by one
/// 256-entry lookup table (one flag byte per octet), so every per-byte check is a load and a
/// mask.
public struct ByteClass: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    @inline(__always)
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Token characters: methods, field names, transfer codings, connection options,
    /// chunk-extension names (RFC 9110 §5.6.2).
    ///
    ///     token = 1*tchar
    ///     tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    ///             "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    public static let tchar = ByteClass(rawValue: 1 << 0)

    /// Visible characters of a field value (RFC 9110 §5.5). `SP` and `HTAB` are allowed only
    /// between them, which the parsers check apart.
    ///
    ///     field-value   = *field-content
    ///     field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
    ///     field-vchar   = VCHAR / obs-text
    ///     obs-text      = %x80-FF
    public static let fieldVChar = ByteClass(rawValue: 1 << 1)

    /// Bytes a request-target may hold unencoded (RFC 9112 §3.2, RFC 3986 §2-§3). `%` is in
    /// the class; the two hex digits after it are checked by the target validator. `[` and `]`
    /// appear only in an IP-literal host of the absolute and authority forms.
    ///
    ///     request-target = origin-form / absolute-form / authority-form / asterisk-form
    ///     pchar          = unreserved / pct-encoded / sub-delims / ":" / "@"
    ///     query          = *( pchar / "/" / "?" )
    ///     unreserved     = ALPHA / DIGIT / "-" / "." / "_" / "~"
    ///     sub-delims     = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
    ///     IP-literal     = "[" ( IPv6address / IPvFuture ) "]"
    public static let targetChar = ByteClass(rawValue: 1 << 2)

    /// Bytes of a `Host` field value (RFC 9110 §7.2, RFC 3986 §3.2.2): a registered name or an
    /// IP literal, and an optional port. No `/`, `@`, `?`, `#`, whitespace or controls, so a
    /// Host value cannot smuggle a path or userinfo into whatever builds a URL from it.
    ///
    ///     Host     = uri-host [ ":" port ]
    ///     uri-host = IP-literal / IPv4address / reg-name
    ///     reg-name = *( unreserved / pct-encoded / sub-delims )
    public static let hostChar = ByteClass(rawValue: 1 << 3)

    /// Reason-phrase bytes other than whitespace (RFC 9112 §4).
    ///
    ///     reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
    ///
    /// Identical to `fieldVChar`; named apart so the status-line code reads like its ABNF.
    public static let reasonChar = fieldVChar

    /// `qdtext` of a quoted-string, other than whitespace (RFC 9110 §5.6.4).
    ///
    ///     quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
    ///     qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
    public static let qdtext = ByteClass(rawValue: 1 << 4)

    /// The class flags of `byte`.
    @inline(__always)
    public static func of(_ byte: UInt8) -> ByteClass {
        ByteClass(rawValue: table[Int(byte)])
    }

    /// Whether `byte` belongs to every class in `self`.
    @inline(__always)
    public func contains(byte: UInt8) -> Bool {
        ByteClass.table[Int(byte)] & rawValue == rawValue
    }

    /// Whether every byte in `range` belongs to every class in `self`. Lookups are combined
    /// eight (then four) at a time and nothing exits early: values are nearly always valid.
    @inline(__always)
    func containsAll(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var flags = rawValue
        var index = range.lowerBound
        let end = range.upperBound
        // Wrapping arithmetic: indices stay within the range.
        while index &+ 8 <= end {
            flags &= Self.table[Int(buffer[index])] & Self.table[Int(buffer[index &+ 1])]
                & Self.table[Int(buffer[index &+ 2])] & Self.table[Int(buffer[index &+ 3])]
                & Self.table[Int(buffer[index &+ 4])] & Self.table[Int(buffer[index &+ 5])]
                & Self.table[Int(buffer[index &+ 6])] & Self.table[Int(buffer[index &+ 7])]
            index &+= 8
        }
        if index &+ 4 <= end {
            flags &= Self.table[Int(buffer[index])] & Self.table[Int(buffer[index &+ 1])]
                & Self.table[Int(buffer[index &+ 2])] & Self.table[Int(buffer[index &+ 3])]
            index &+= 4
        }
        while index < end {
            flags &= Self.table[Int(buffer[index])]
            index &+= 1
        }
        return flags == rawValue
    }

    /// One flag byte per octet value: bit 0 `tchar`, 1 `fieldVChar`, 2 `targetChar`,
    /// 3 `hostChar`, 4 `qdtext`. A literal, so the compiler lays it out in static memory and a
    /// lookup needs no lazy-initialisation check; `ByteClassTests` proves every entry against
    /// the ABNF above.
    static let table: [UInt8] = [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 0x00-0x0F
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 0x10-0x1F
        0x00, 0x1F, 0x02, 0x13, 0x1F, 0x1F, 0x1F, 0x1F, 0x1E, 0x1E, 0x1F, 0x1F, 0x1E, 0x1F, 0x1F, 0x16,  // 0x20-0x2F
        0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1E, 0x1E, 0x12, 0x1E, 0x12, 0x16,  // 0x30-0x3F
        0x16, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F,  // 0x40-0x4F
        0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1E, 0x02, 0x1E, 0x13, 0x1F,  // 0x50-0x5F
        0x13, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F,  // 0x60-0x6F
        0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x12, 0x13, 0x12, 0x1F, 0x00,  // 0x70-0x7F
        0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12,  // 0x80-0x8F
        0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12,  // 0x90-0x9F
        0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12,  // 0xA0-0xAF
        0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12,  // 0xB0-0xBF
        0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12,  // 0xC0-0xCF
        0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12,  // 0xD0-0xDF
        0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12,  // 0xE0-0xEF
        0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12, 0x12,  // 0xF0-0xFF
    ]
}
