/// Builds frame headers and close payloads (RFC 6455 §5.2, §5.5.1) for the frames the proxy
/// writes itself: the close frame that fails a connection, pongs, and anything an extension
/// re-frames.
public enum WebSocketFrameWriter {
    /// The largest header: 2 bytes, a 64-bit length, a masking key.
    public static let maxHeaderLength = 14

    /// A frame header with the minimal length encoding §5.2 requires: 7 bits up to 125, the
    /// 16-bit form up to 65535, the 64-bit form above. With a `mask`, MASK is set and the key
    /// follows in wire order; the caller masks the payload with `WebSocketMask.unmask` (the same
    /// XOR). A client's key must come from a strong random source (§5.3); the proxy only writes
    /// unmasked server-to-client frames and relays clients' frames with their own keys.
    ///
    /// A control frame must have FIN and at most 125 bytes (§5.5), and no payload may exceed
    /// 2^63 - 1 bytes; breaking either is a bug in the caller and traps.
    public static func header(
        opcode: WebSocketOpcode, fin: Bool = true, rsv1: Bool = false, payloadLength: UInt64, mask: UInt32? = nil
    ) -> [UInt8] {
        precondition(!opcode.isControl || (fin && payloadLength <= 125), "control frames are unfragmented, at most 125 bytes")
        precondition(payloadLength >> 63 == 0, "payload length above 2^63 - 1")
        var header: [UInt8] = []
        header.reserveCapacity(maxHeaderLength)
        header.append((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode.rawValue)
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        switch payloadLength {
        case 0...125:
            header.append(maskBit | UInt8(payloadLength))
        case 126...0xFFFF:
            header.append(maskBit | 126)
            appendBigEndian(UInt16(payloadLength), to: &header)
        default:
            header.append(maskBit | 127)
            appendBigEndian(payloadLength, to: &header)
        }
        if let mask { appendBigEndian(mask, to: &header) }
        return header
    }

    /// The longest close reason: a control payload is at most 125 bytes, 2 of them the code.
    public static let maxCloseReasonLength = 123

    /// A close frame's payload: `code` big-endian, then `reason` in UTF-8 (§5.5.1). A reason
    /// longer than 123 bytes is cut at the last whole character that fits, so the payload
    /// stays valid UTF-8 and within a control frame. `code` must be one that may be sent
    /// (not 1005, 1006 or 1015, §7.4.1); sending another is a bug in the caller and traps.
    public static func closePayload(code: WebSocketCloseCode, reason: some StringProtocol) -> [UInt8] {
        precondition(code.isValidInCloseFrame, "close code \(code.rawValue) may not be sent")
        var payload: [UInt8] = []
        payload.reserveCapacity(2 + min(reason.utf8.count, maxCloseReasonLength))
        appendBigEndian(code.rawValue, to: &payload)
        for scalar in reason.unicodeScalars {
            let width = UTF8.width(scalar)
            guard payload.count - 2 + width <= maxCloseReasonLength else { break }
            payload.append(contentsOf: UTF8.encode(scalar)!)
        }
        return payload
    }

    /// A close frame's payload with a code and no reason.
    public static func closePayload(code: WebSocketCloseCode) -> [UInt8] {
        closePayload(code: code, reason: "")
    }

    private static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
