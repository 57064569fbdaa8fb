/// The body of a close frame (RFC 6455 §5.5.1): empty, or a 2-byte big-endian status code
/// followed by a UTF-8 reason that is not necessarily human readable.
///
///     close-payload = [ status-code reason ]   ; status-code: 2 bytes, reason: UTF-8
///
/// The frame parser refuses a 1-byte body from the header alone; the code and reason are
/// checked here, once the (unmasked) payload is at hand.
public enum WebSocketClosePayload {
    public enum Result: Hashable, Sendable {
        /// `code` is nil for an empty body (the application sees 1005, `noStatusReceived`).
        /// `reason` is where the reason lies in the payload (empty when there is none).
        case valid(code: WebSocketCloseCode?, reason: ByteRange)
        case invalid(WebSocketProtocolError)
    }

    /// Checks an unmasked close payload: a status code that may be sent (§7.4.1, §7.4.2, else
    /// 1002) and a reason that is valid UTF-8 (§5.5.1, else 1007).
    public static func parse(_ payload: UnsafeRawBufferPointer) -> Result {
        switch payload.count {
        case 0:
            return .valid(code: nil, reason: .empty)
        case 1:
            return .invalid(.closePayloadTooShort)
        default:
            let code = WebSocketCloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
            guard code.isValidInCloseFrame else { return .invalid(.invalidCloseCode(code.rawValue)) }
            let reason = UnsafeRawBufferPointer(rebasing: payload[2...])
            guard isValidUTF8(reason) else { return .invalid(.invalidCloseReason) }
            return .valid(code: code, reason: ByteRange(offset: 2, count: reason.count))
        }
    }

    /// Whether `bytes` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or code points
    /// past U+10FFFF), decided by the standard library's decoder without building a string.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
