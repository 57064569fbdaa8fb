/// A frame's opcode (RFC 6455 §5.2, §11.8). The values 3-7 and 11-15 are reserved for future
/// non-control and control frames; no extension we negotiate defines them, so a frame carrying
/// one is refused (§5.2: "If an unknown opcode is received, the receiving endpoint MUST
/// _Fail the WebSocket Connection_").
public enum WebSocketOpcode: UInt8, Hashable, Sendable, CaseIterable {
    /// A further fragment of the message started by a text or binary frame (§5.4).
    case continuation = 0x0
    /// The first (or only) frame of a UTF-8 text message (§5.6).
    case text = 0x1
    /// The first (or only) frame of a binary message (§5.6).
    case binary = 0x2
    /// The closing handshake (§5.5.1).
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Control frames have the high bit of the opcode set (§5.5): close, ping and pong. They
    /// may arrive between the fragments of a message, are never fragmented themselves, and
    /// carry at most 125 bytes.
    @inline(__always)
    public var isControl: Bool { rawValue & 0x8 != 0 }
}
