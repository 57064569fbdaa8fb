/// The fixed part of a WebSocket frame, everything before the payload (RFC 6455 §5.2):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-------+-+-------------+-------------------------------+
///     |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
///     |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
///     |N|V|V|V|       |S|             |   (if payload len==126/127)   |
///     | |1|2|3|       |K|             |                               |
///     +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
///     |     Extended payload length continued, if payload len == 127  |
///     + - - - - - - - - - - - - - - - +-------------------------------+
///     |                               |Masking-key, if MASK set to 1  |
///     +-------------------------------+-------------------------------+
///
/// RSV2 and RSV3 are not kept: no extension we negotiate uses them, so the parser refuses a
/// frame that sets them.
public struct WebSocketFrameHeader: Hashable, Sendable {
    /// The last frame of its message (always set on control frames).
    public var fin: Bool
    /// RSV1: with permessage-deflate, the message's payload is compressed (RFC 7692 §6).
    public var rsv1: Bool
    public var opcode: WebSocketOpcode
    /// The masking key, in wire order (its first byte is the most significant), or nil for an
    /// unmasked frame. Client-to-server frames are masked, server-to-client frames are not
    /// (§5.1, §5.3).
    public var maskKey: UInt32?
    /// The payload's length in bytes; at most 2^63 - 1 (§5.2), at most 125 for a control frame.
    public var payloadLength: UInt64

    public init(fin: Bool, rsv1: Bool = false, opcode: WebSocketOpcode, maskKey: UInt32? = nil, payloadLength: UInt64) {
        self.fin = fin
        self.rsv1 = rsv1
        self.opcode = opcode
        self.maskKey = maskKey
        self.payloadLength = payloadLength
    }

    /// The MASK bit.
    public var masked: Bool { maskKey != nil }
}
