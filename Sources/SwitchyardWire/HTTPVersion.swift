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

    /// `HTTP/1.1` as `SWAR.load` reads it: nearly every message's version.
    private static let http1_1Bytes: UInt64 = 0x312E_312F_5054_5448

    /// Parses exactly the 8 bytes `HTTP/d.d` at `offset`. Returns nil on any other shape.
    @inline(__always)
    static func parse(_ buffer: UnsafeRawBufferPointer, at offset: Int, count: Int) -> HTTPVersion? {
        guard count == 8 else { return nil }
        let word = SWAR.load(buffer, offset)
        if word == http1_1Bytes { return .http1_1 }
        // One compare for the six fixed bytes (`HTTP/`, `.`), then the two digits.
        let fixedBytes: UInt64 = 0x00FF_00FF_FFFF_FFFF
        let fixedShape: UInt64 = 0x002E_002F_5054_5448  // "HTTP/?.?", first byte lowest
        let major = UInt8(truncatingIfNeeded: word &>> 40) &- ASCII.zero
        let minor = UInt8(truncatingIfNeeded: word &>> 56) &- ASCII.zero
        guard word & fixedBytes == fixedShape, major < 10, minor < 10 else { return nil }
        return HTTPVersion(major: major, minor: minor)
    }
}
