/// A close frame's status code (RFC 6455 §7.4), a 16-bit unsigned integer sent big-endian at
/// the start of the close payload (§5.5.1).
///
/// The ranges (§7.4.2): 0-999 are never used; 1000-2999 belong to this protocol and its
/// extensions, and only the codes registered with IANA (§11.7) may be sent; 3000-3999 are
/// registered by libraries and frameworks; 4000-4999 are private.
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// 1000: the purpose of the connection is fulfilled.
    public static let normalClosure = WebSocketCloseCode(rawValue: 1000)
    /// 1001: the endpoint is going away (a server shutting down, a browser leaving the page).
    public static let goingAway = WebSocketCloseCode(rawValue: 1001)
    /// 1002: the peer broke the protocol.
    public static let protocolError = WebSocketCloseCode(rawValue: 1002)
    /// 1003: a data type the endpoint cannot accept (text to a binary-only endpoint).
    public static let unsupportedData = WebSocketCloseCode(rawValue: 1003)
    /// 1005: no status code was present. Reported to the application; never sent (§7.4.1).
    public static let noStatusReceived = WebSocketCloseCode(rawValue: 1005)
    /// 1006: the connection closed without a close frame. Never sent (§7.4.1).
    public static let abnormalClosure = WebSocketCloseCode(rawValue: 1006)
    /// 1007: message data inconsistent with its type (text that is not UTF-8).
    public static let invalidPayloadData = WebSocketCloseCode(rawValue: 1007)
    /// 1008: a message that violates the endpoint's policy (the generic refusal).
    public static let policyViolation = WebSocketCloseCode(rawValue: 1008)
    /// 1009: a message too big to process.
    public static let messageTooBig = WebSocketCloseCode(rawValue: 1009)
    /// 1010: (client only) the server did not negotiate an extension the client requires.
    public static let mandatoryExtension = WebSocketCloseCode(rawValue: 1010)
    /// 1011: the server met an unexpected condition.
    public static let internalError = WebSocketCloseCode(rawValue: 1011)
    /// 1012: the service is restarting (IANA registry).
    public static let serviceRestart = WebSocketCloseCode(rawValue: 1012)
    /// 1013: try again later (IANA registry).
    public static let tryAgainLater = WebSocketCloseCode(rawValue: 1013)
    /// 1014: the gateway or proxy got an invalid response from the upstream (IANA registry).
    public static let badGateway = WebSocketCloseCode(rawValue: 1014)
    /// 1015: the TLS handshake failed. Never sent (§7.4.1).
    public static let tlsHandshakeFailure = WebSocketCloseCode(rawValue: 1015)

    /// Whether the code may appear in a close frame: 1000-1003 and 1007-1011 (§7.4.1), the
    /// IANA-registered 1012-1014, and 3000-4999 (§7.4.2). 1004 is reserved, 1005, 1006 and 1015
    /// are "MUST NOT be set as a status code in a Close control frame", and the rest of
    /// 0-2999 is unassigned; an endpoint that receives one fails the connection with 1002.
    ///
    /// 1012-1014 are not in RFC 6455's own list but are registered (§11.7 lets IANA add to it)
    /// and sent by real servers (1013 especially); a proxy that refused them would break
    /// working pairs, so they are accepted as most implementations do.
    public var isValidInCloseFrame: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }
}
