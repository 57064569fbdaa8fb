/// An incremental WebSocket frame header parser (RFC 6455 §5.2), for one direction of one
/// connection.
///
/// Call `parse` with the unparsed region of the stream, starting at a frame's first byte, each
/// time more bytes have arrived. A header is at most 14 bytes, so the parser does not keep
/// partial headers: it reads the region again from its start on every call, and each rule is
/// checked as soon as the byte it needs is present (a bad first byte is refused before the
/// second arrives). What the parser keeps across frames is whether a fragmented message is in
/// progress, so it can enforce §5.4's ordering.
///
/// `.frame` hands back the header only. The caller then forwards, unmasks (`WebSocketMask`)
/// or inspects the `payloadLength` bytes after `headerLength`, in as many reads as they take,
/// and calls `parse` again with a region starting at the next frame. A close frame's payload
/// is checked with `WebSocketClosePayload.parse` once it is complete.
///
/// After `.invalid` the parser keeps answering the same error: the caller fails the connection
/// (§7.1.7) with the error's `closeCode`.
///
/// Strictness, and where the RFC let us choose:
/// - RSV1 is accepted only when `allowRSV1` (permessage-deflate negotiated), and then only on
///   the first frame of a data message (RFC 7692 §6.1); RSV2 and RSV3 are always refused.
/// - Non-minimal length encodings (a 5-byte payload in the 16-bit form) are accepted. §5.2
///   says "the minimal number of bytes MUST be used", but it is a rule for senders that costs a
///   receiver nothing to tolerate; most servers (and Autobahn's test suite) do not enforce it.
/// - `maxPayloadLength` limits each frame, not a fragmented message's total: a proxy streams
///   payloads through and never holds a whole message.
public struct WebSocketFrameParser {
    public struct Configuration: Hashable, Sendable {
        /// True for client-to-server frames, which MUST be masked; false for server-to-client
        /// frames, which MUST NOT be (§5.1). Either mistake fails the connection with 1002.
        public var requireMasked: Bool
        /// The largest payload accepted in one frame; a longer one fails with 1009.
        public var maxPayloadLength: UInt64
        /// Whether RSV1 has a meaning on this connection (permessage-deflate, RFC 7692 §6).
        public var allowRSV1: Bool

        public init(requireMasked: Bool, maxPayloadLength: UInt64 = 16 << 20, allowRSV1: Bool = false) {
            self.requireMasked = requireMasked
            self.maxPayloadLength = maxPayloadLength
            self.allowRSV1 = allowRSV1
        }
    }

    public enum Result: Hashable, Sendable {
        /// The header is not complete yet; call again when more bytes have arrived.
        case needMoreBytes
        /// A complete, valid header: `headerLength` bytes (2 to 14) from the region's start;
        /// the payload follows.
        case frame(WebSocketFrameHeader, headerLength: Int)
        /// The frame breaks the protocol; fail the connection with `error.closeCode`.
        case invalid(WebSocketProtocolError)
    }

    private enum State: Hashable {
        /// Between messages: the next data frame must be text or binary.
        case idle
        /// A text or binary frame without FIN was seen: the next data frame must be a
        /// continuation (control frames may come in between).
        case inFragmentedMessage
        case failed(WebSocketProtocolError)
    }

    public let configuration: Configuration
    private var state = State.idle

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public init(requireMasked: Bool, maxPayloadLength: UInt64 = 16 << 20, allowRSV1: Bool = false) {
        self.init(configuration: Configuration(requireMasked: requireMasked, maxPayloadLength: maxPayloadLength, allowRSV1: allowRSV1))
    }

    /// A fragmented message has started and not yet ended.
    public var isInFragmentedMessage: Bool { state == .inFragmentedMessage }

    /// Forgets any error and the fragmentation state.
    public mutating func reset() {
        state = .idle
    }

    public mutating func parse(_ buffer: UnsafeRawBufferPointer) -> Result {
        switch state {
        case .failed(let error): return .invalid(error)
        case .idle, .inFragmentedMessage: break
        }
        let count = buffer.count
        guard count >= 1 else { return .needMoreBytes }

        // First byte: FIN, RSV1-3, opcode (§5.2).
        let first = buffer[0]
        let fin = first & 0x80 != 0
        let rsv1 = first & 0x40 != 0
        guard first & 0x30 == 0, !rsv1 || configuration.allowRSV1 else { return fail(.reservedBitsSet) }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else { return fail(.unknownOpcode(first & 0x0F)) }
        if opcode.isControl {
            // §5.5; RFC 7692 §6.1: no extension meaning for RSV1 on control frames.
            guard fin else { return fail(.fragmentedControlFrame) }
            guard !rsv1 else { return fail(.reservedBitsSet) }
        } else if opcode == .continuation {
            // §5.4; RFC 7692 §6.1: RSV1 marks a compressed message on its first frame only.
            guard state == .inFragmentedMessage else { return fail(.unexpectedContinuation) }
            guard !rsv1 else { return fail(.reservedBitsSet) }
        } else {
            guard state == .idle else { return fail(.expectedContinuation) }
        }
        guard count >= 2 else { return .needMoreBytes }

        // Second byte: MASK and the 7-bit length (§5.2).
        let second = buffer[1]
        let masked = second & 0x80 != 0
        if masked != configuration.requireMasked { return fail(masked ? .maskedFrame : .unmaskedFrame) }
        let shortLength = second & 0x7F
        if opcode.isControl && shortLength > 125 { return fail(.controlFrameTooLong) }

        // Extended length: 126 means a 16-bit length follows, 127 a 64-bit one whose most
        // significant bit must be 0 (§5.2), all in network byte order.
        let payloadLength: UInt64
        let lengthEnd: Int
        switch shortLength {
        case 126:
            lengthEnd = 4
            guard count >= lengthEnd else { return .needMoreBytes }
            payloadLength = UInt64(buffer[2]) << 8 | UInt64(buffer[3])
        case 127:
            lengthEnd = 10
            if count >= 3 && buffer[2] & 0x80 != 0 { return fail(.invalidPayloadLength) }
            guard count >= lengthEnd else { return .needMoreBytes }
            payloadLength = UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: 2, as: UInt64.self))
        default:
            lengthEnd = 2
            payloadLength = UInt64(shortLength)
        }
        guard payloadLength <= configuration.maxPayloadLength else { return fail(.payloadTooLarge) }
        // §5.5.1: a close body, if any, starts with a 2-byte code.
        if opcode == .close && payloadLength == 1 { return fail(.closePayloadTooShort) }

        // Masking key (§5.3).
        let headerLength = lengthEnd + (masked ? 4 : 0)
        guard count >= headerLength else { return .needMoreBytes }
        let maskKey = masked ? UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: lengthEnd, as: UInt32.self)) : nil

        if !opcode.isControl { state = fin ? .idle : .inFragmentedMessage }
        let header = WebSocketFrameHeader(fin: fin, rsv1: rsv1, opcode: opcode, maskKey: maskKey, payloadLength: payloadLength)
        return .frame(header, headerLength: headerLength)
    }

    private mutating func fail(_ error: WebSocketProtocolError) -> Result {
        state = .failed(error)
        return .invalid(error)
    }
}

@available(*, unavailable)
extension WebSocketFrameParser: Sendable {}
