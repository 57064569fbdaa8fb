/// The Connection options the proxy acts on (RFC 9110 §7.6.1, RFC 9112 §9.3); other options
/// only name hop-by-hop fields, which the proxy finds by walking the Connection values itself.
public struct ConnectionOptions: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `close`: the sender will close after this message.
    public static let close = ConnectionOptions(rawValue: 1 << 0)
    /// `keep-alive`: an HTTP/1.0 sender asks for a persistent connection.
    public static let keepAlive = ConnectionOptions(rawValue: 1 << 1)
    /// `upgrade`: the Upgrade field is meant for this hop (RFC 9110 §7.8).
    public static let upgrade = ConnectionOptions(rawValue: 1 << 2)

    /// Whether a message of `version` with these options leaves the connection open
    /// (RFC 9112 §9.3): 1.1 unless `close`; 1.0 only with `keep-alive` and without `close`.
    public func persists(version: HTTPVersion) -> Bool {
        if contains(.close) { return false }
        return version.isAtLeast1_1 || contains(.keepAlive)
    }
}
