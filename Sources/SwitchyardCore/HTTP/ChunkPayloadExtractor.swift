import SwitchyardReactor

/// The payload of a chunked body without its framing, for an HTTP/1.0 client, which must
/// not receive chunked coding (RFC 9112 §7.1); such a response is delimited by close
/// instead. The bytes were validated by the wire decoder before they get here, so this
/// only needs to tell framing from data.
struct ChunkPayloadExtractor: BodyTransform {
    private enum State {
        case size
        case sizeLineRest
        case data
        case dataCR
        case dataLF
        case trailerLineStart
        case trailerLine
        case done
    }

    private var state = State.size
    private var size = 0
    private var remaining = 0

    mutating func transform(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            switch state {
            case .size:
                if let digit = Self.hex(byte) {
                    size = size &* 16 &+ digit
                } else if byte == UInt8(ascii: "\n") {
                    startChunk()
                } else {
                    state = .sizeLineRest  // extensions, whitespace, CR
                }
                index += 1
            case .sizeLineRest:
                if byte == UInt8(ascii: "\n") { startChunk() }
                index += 1
            case .data:
                let take = min(remaining, input.count - index)
                out.append(contentsOf: input[index..<index + take])
                remaining -= take
                index += take
                if remaining == 0 { state = .dataCR }
            case .dataCR:
                state = byte == UInt8(ascii: "\r") ? .dataLF : .size
                index += 1
            case .dataLF:
                state = .size
                index += 1
            case .trailerLineStart:
                if byte == UInt8(ascii: "\n") { state = .done } else if byte != UInt8(ascii: "\r") { state = .trailerLine }
                index += 1
            case .trailerLine:
                if byte == UInt8(ascii: "\n") { state = .trailerLineStart }
                index += 1
            case .done:
                return
            }
        }
    }

    private mutating func startChunk() {
        if size == 0 {
            state = .trailerLineStart
        } else {
            remaining = size
            state = .data
        }
        size = 0
    }

    private static func hex(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
