import Glibc
import SwitchyardWire

/// The client side of a WebSocket (RFC 6455 §5): reads the server's unmasked frames and
/// checks each message against the one it expects back, streaming like `WSEchoFramer`, so a
/// connection keeps only this struct between reads. A message may come in several frames
/// (a proxy may re-fragment); its payload is compared as it arrives.
struct ServerFrameReader {
    enum Event {
        /// All of the region up to `consumed` is read; the rest is a partial header.
        case needMoreBytes
        /// A whole message arrived; `matched` when its length and bytes are the expected ones.
        case message(matched: Bool)
        /// The server's close frame arrived whole.
        case close
        /// The server broke the protocol.
        case protocolError
    }

    private var parser = WebSocketFrameParser(requireMasked: false, maxPayloadLength: 1 << 40)
    private var remaining: UInt64 = 0
    private var inData = false
    private var finalFrame = false
    private var isClose = false
    private var received = 0
    private var matched = true

    init() {}

    /// Reads `region` until it runs out or an event happens; `consumed` says how far it got.
    mutating func process(_ region: UnsafeRawBufferPointer, expected: UnsafeRawBufferPointer) -> (consumed: Int, event: Event) {
        var position = 0
        while true {
            if remaining > 0 {
                let take = Int(min(remaining, UInt64(region.count - position)))
                guard take > 0 else { break }
                if inData {
                    if received + take <= expected.count {
                        if memcmp(region.baseAddress! + position, expected.baseAddress! + received, take) != 0 { matched = false }
                    } else {
                        matched = false
                    }
                    received += take
                }
                position += take
                remaining -= UInt64(take)
                if remaining == 0, let event = frameEnded(expected: expected) { return (position, event) }
                continue
            }
            guard position < region.count else { break }
            switch parser.parse(UnsafeRawBufferPointer(rebasing: region[position...])) {
            case .needMoreBytes:
                return (position, .needMoreBytes)
            case .invalid:
                return (position, .protocolError)
            case .frame(let header, let headerLength):
                position += headerLength
                inData = !header.opcode.isControl
                finalFrame = header.fin
                isClose = header.opcode == .close
                remaining = header.payloadLength
                if remaining == 0, let event = frameEnded(expected: expected) { return (position, event) }
            }
        }
        return (position, .needMoreBytes)
    }

    /// A message ends with its FIN frame; pings and pongs from the server are skipped.
    private mutating func frameEnded(expected: UnsafeRawBufferPointer) -> Event? {
        if isClose { return .close }
        guard inData && finalFrame else { return nil }
        let result = matched && received == expected.count
        received = 0
        matched = true
        return .message(matched: result)
    }
}

@available(*, unavailable)
extension ServerFrameReader: Sendable {}
