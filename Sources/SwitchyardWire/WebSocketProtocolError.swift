/// Why a WebSocket frame was refused. Each case is one rule of RFC 6455 (or the payload limit)
/// and knows the close code the endpoint fails the connection with (§7.1.7, §7.4.1): 1002 for
/// a broken protocol, 1007 for bad text, 1009 for too much data.
public enum WebSocketProtocolError: Error, Hashable, Sendable {
    /// RSV2 or RSV3 set, or RSV1 set without a negotiated extension that gives it a meaning
    /// (§5.2), or RSV1 on a control or continuation frame under permessage-deflate
    /// (RFC 7692 §6.1).
    case reservedBitsSet
    /// An opcode RFC 6455 reserves (3-7, 11-15) (§5.2). Carries the 4-bit value.
    case unknownOpcode(UInt8)
    /// A close, ping or pong frame without FIN (§5.5: "Control frames MUST NOT be fragmented").
    case fragmentedControlFrame
    /// A control frame with more than 125 payload bytes (§5.5).
    case controlFrameTooLong
    /// A 64-bit payload length with its most significant bit set (§5.2).
    case invalidPayloadLength
    /// A client-to-server frame without a mask (§5.1: the server MUST close the connection).
    case unmaskedFrame
    /// A server-to-client frame with a mask (§5.1: the client MUST close the connection).
    case maskedFrame
    /// A continuation frame with no fragmented message in progress (§5.4).
    case unexpectedContinuation
    /// A text or binary frame while a fragmented message awaits its continuation frames (§5.4:
    /// fragments of one message are never interleaved with another).
    case expectedContinuation
    /// A close frame whose payload is 1 byte: too short for a status code, not empty (§5.5.1).
    case closePayloadTooShort
    /// A close frame status code outside the codes that may be sent (§7.4.1, §7.4.2).
    case invalidCloseCode(UInt16)
    /// A close frame reason that is not valid UTF-8 (§5.5.1).
    case invalidCloseReason
    /// A frame whose payload exceeds the configured maximum (§10.4).
    case payloadTooLarge

    /// The status code to send in the close frame that fails the connection (§7.4.1).
    public var closeCode: WebSocketCloseCode {
        switch self {
        case .payloadTooLarge: return .messageTooBig
        case .invalidCloseReason: return .invalidPayloadData
        case .reservedBitsSet, .unknownOpcode, .fragmentedControlFrame, .controlFrameTooLong, .invalidPayloadLength,
            .unmaskedFrame, .maskedFrame, .unexpectedContinuation, .expectedContinuation, .closePayloadTooShort,
            .invalidCloseCode:
            return .protocolError
        }
    }
}
