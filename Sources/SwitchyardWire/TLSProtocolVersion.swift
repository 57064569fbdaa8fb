/// A TLS `ProtocolVersion` (RFC 8446 §4.1.2: `uint16 ProtocolVersion;`), as it appears in a
/// record header, a ClientHello's `legacy_version` and its `supported_versions` extension.
///
///     0x0300 SSL 3.0   0x0301 TLS 1.0   0x0302 TLS 1.1   0x0303 TLS 1.2   0x0304 TLS 1.3
public struct TLSProtocolVersion: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt16

    @inline(__always)
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    @inline(__always)
    public init(major: UInt8, minor: UInt8) {
        self.rawValue = UInt16(major) << 8 | UInt16(minor)
    }

    public static let ssl3 = TLSProtocolVersion(rawValue: 0x0300)
    public static let tls1_0 = TLSProtocolVersion(rawValue: 0x0301)
    public static let tls1_1 = TLSProtocolVersion(rawValue: 0x0302)
    public static let tls1_2 = TLSProtocolVersion(rawValue: 0x0303)
    public static let tls1_3 = TLSProtocolVersion(rawValue: 0x0304)

    public var major: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 8) }
    public var minor: UInt8 { UInt8(truncatingIfNeeded: rawValue) }

    /// SSL 3.0 through TLS 1.3: the versions this code has a name for. GREASE values
    /// (RFC 8701: `0x0A0A`, `0x1A1A`, ...) and future versions are not.
    public var isKnown: Bool { rawValue >= 0x0300 && rawValue <= 0x0304 }

    /// nginx's name for the version, the values of `$ssl_preread_protocol` and
    /// `$ssl_protocol`: `SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`; empty for a version
    /// it has no name for (the variable is then empty, as nginx's is).
    public var name: String {
        switch rawValue {
        case 0x0300: "SSLv3"
        case 0x0301: "TLSv1"
        case 0x0302: "TLSv1.1"
        case 0x0303: "TLSv1.2"
        case 0x0304: "TLSv1.3"
        default: ""
        }
    }

    /// The name, or the raw value in hex when there is none (`0x7f1c`).
    public var description: String {
        if isKnown { return name }
        let digits = String(rawValue, radix: 16)
        return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
    }

    public static func < (lhs: TLSProtocolVersion, rhs: TLSProtocolVersion) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
