import SwitchyardWire

/// The ws backend's echo (RFC 6455 §5), as a state machine over byte regions with no I/O:
/// client frames in, server frames out. Payloads are streamed: each frame's header is echoed
/// as soon as it is parsed, its payload unmasked and copied as it arrives, so a 16 MiB
/// message needs no 16 MiB buffer and a connection keeps nothing but this struct between
/// reads (plus the caller's stash of at most 13 bytes of a split header).
///
/// Data frames keep their opcode and FIN; a ping comes back as a pong with its payload; a
/// pong is dropped; a close comes back with its payload (the same code) and ends the echo.
/// The output of a region is never longer than the region: a server header is the client's
/// without its 4-byte masking key.
struct WSEchoFramer {
    enum End {
        /// Everything up to `consumed` is echoed; the rest (a partial header) waits for more.
        case needMoreBytes
        /// A close frame was echoed whole: send the output, then close.
        case closeEchoed
        /// The client broke the protocol: close.
        case protocolError
    }

    struct Step {
        var consumed: Int
        var produced: Int
        var end: End
    }

    private var parser = WebSocketFrameParser(requireMasked: true, maxPayloadLength: 16 << 20)
    private var remaining: UInt64 = 0
    private var maskKey: UInt32 = 0
    private var maskOffset = 0
    private var dropPayload = false
    private var isClose = false

    /// Echoes what it can of `input` (unmasking it in place) into `output`.
    mutating func process(_ input: UnsafeMutableRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Step {
        var position = 0
        var produced = 0
        while true {
            if remaining > 0 {
                let take = Int(min(remaining, UInt64(input.count - position)))
                guard take > 0 else { break }
                if !dropPayload {
                    let chunk = UnsafeMutableRawBufferPointer(rebasing: input[position..<position + take])
                    WebSocketMask.unmask(chunk, key: maskKey, offset: maskOffset)
                    (output.baseAddress! + produced).copyMemory(from: chunk.baseAddress!, byteCount: take)
                    produced += take
                }
                position += take
                maskOffset &+= take
                remaining -= UInt64(take)
                if remaining == 0 && isClose { return Step(consumed: position, produced: produced, end: .closeEchoed) }
                continue
            }
            guard position < input.count else { break }
            switch parser.parse(UnsafeRawBufferPointer(rebasing: input[position...])) {
            case .needMoreBytes:
                return Step(consumed: position, produced: produced, end: .needMoreBytes)
            case .invalid:
                return Step(consumed: position, produced: produced, end: .protocolError)
            case .frame(let header, let headerLength):
                position += headerLength
                dropPayload = header.opcode == .pong
                isClose = header.opcode == .close
                if !dropPayload {
                    let opcode: WebSocketOpcode = header.opcode == .ping ? .pong : header.opcode
                    produced += WSFrameBytes.writeHeader(
                        into: output.baseAddress! + produced, fin: header.fin, opcode: opcode.rawValue,
                        payloadLength: header.payloadLength, mask: nil)
                }
                remaining = header.payloadLength
                maskKey = header.maskKey ?? 0
                maskOffset = 0
                if remaining == 0 && isClose { return Step(consumed: position, produced: produced, end: .closeEchoed) }
            }
        }
        return Step(consumed: position, produced: produced, end: .needMoreBytes)
    }
}

@available(*, unavailable)
extension WSEchoFramer: Sendable {}
