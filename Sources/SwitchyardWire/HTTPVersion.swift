/// The version of an HTTP/1.x message (RFC 9112 §2.3).
///
///     HTTP-version = HTTP-name "/" DIGIT "." DIGIT
///     HTTP-name    = %s"HTTP"
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public var major: UInt8
    public var minor: UInt8

    public init(major: UInt8, minor: UInt8) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// Whether the message speaks HTTP/1.1 semantics (persistent connections, Host required,
    /// chunked allowed). A higher minor version is treated as 1.1 (RFC 9110 §2.5).
    public var isAtLeast1_1: Bool { major > 1 || (major == 1 && minor >= 1) }

    public var description: String { "HTTP/\(major).\(minor)" }

    /// Parses exactly the 8 bytes `HTTP/d.d` at `offset`. Returns nil on any other shape.
    static func parse(_ buffer: UnsafeRawBufferPointer, at offset: Int, count: Int) -> HTTPVersion? {
        guard count == 8,
            buffer[offset] == ASCII.upperH, buffer[offset + 1] == ASCII.upperT,
            buffer[offset + 2] == ASCII.upperT, buffer[offset + 3] == ASCII.upperP,
            buffer[offset + 4] == ASCII.slash, buffer[offset + 6] == ASCII.dot,
            let major = ASCII.decimalValue(buffer[offset + 5]),
            let minor = ASCII.decimalValue(buffer[offset + 7])
        else { return nil }
        return HTTPVersion(major: UInt8(major), minor: UInt8(minor))
    }
}
