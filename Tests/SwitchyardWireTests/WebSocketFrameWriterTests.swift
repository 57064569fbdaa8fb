import Testing

@testable import SwitchyardWire

struct WebSocketFrameWriterTests {
    /// RFC 6455 §5.7's masking key.
    static let key: UInt32 = 0x37FA_213D

    /// A whole frame: the writer's header, then the payload, masked with `mask` if given.
    private func frame(_ opcode: WebSocketOpcode, fin: Bool = true, _ payload: [UInt8], mask: UInt32? = nil) -> [UInt8] {
        var body = payload
        if let mask { body.withUnsafeMutableBytes { WebSocketMask.unmask($0, key: mask, offset: 0) } }
        return WebSocketFrameWriter.header(opcode: opcode, fin: fin, payloadLength: UInt64(payload.count), mask: mask) + body
    }

    // MARK: RFC 6455 §5.7 examples, byte for byte

    /// A single-frame unmasked text message.
    @Test func unmaskedText() {
        #expect(frame(.text, bytes("Hello")) == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
    }

    /// A single-frame masked text message.
    @Test func maskedText() {
        #expect(frame(.text, bytes("Hello"), mask: Self.key) == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    /// A fragmented unmasked text message: "Hel" without FIN, then a continuation with "lo".
    @Test func fragmentedText() {
        #expect(frame(.text, fin: false, bytes("Hel")) == [0x01, 0x03, 0x48, 0x65, 0x6C])
        #expect(frame(.continuation, bytes("lo")) == [0x80, 0x02, 0x6C, 0x6F])
    }

    /// An unmasked ping and a masked pong, each carrying "Hello".
    @Test func pingAndPong() {
        #expect(frame(.ping, bytes("Hello")) == [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(frame(.pong, bytes("Hello"), mask: Self.key) == [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    /// 256 bytes use the 16-bit length (`0x7E 0x0100`), 64 KiB the 64-bit one (`0x7F 0x0000000000010000`).
    @Test func binaryLengths() {
        #expect(WebSocketFrameWriter.header(opcode: .binary, payloadLength: 256) == [0x82, 0x7E, 0x01, 0x00])
        #expect(WebSocketFrameWriter.header(opcode: .binary, payloadLength: 65536) == [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00])
    }

    // MARK: Encoding choices

    /// The minimal length encoding at each boundary: 125 in 7 bits, 126 and 65535 in 16, 65536 in 64.
    @Test(arguments: [(0, 2), (125, 2), (126, 4), (65535, 4), (65536, 10), (UInt64(Int64.max), 10)] as [(UInt64, Int)])
    func minimalLengths(_ length: UInt64, _ headerLength: Int) {
        #expect(WebSocketFrameWriter.header(opcode: .binary, payloadLength: length).count == headerLength)
        #expect(WebSocketFrameWriter.header(opcode: .binary, payloadLength: length, mask: 1).count == headerLength + 4)
    }

    /// RSV1 sets bit 6 of the first byte (permessage-deflate's "compressed" flag).
    @Test func rsv1() {
        #expect(WebSocketFrameWriter.header(opcode: .text, rsv1: true, payloadLength: 0) == [0xC1, 0x00])
    }

    /// Every header the writer makes (opcodes, FIN, RSV1, lengths at each boundary, masked or
    /// not) parses back to the same header and length.
    @Test func roundTripsThroughTheParser() {
        let lengths: [UInt64] = [0, 2, 125, 126, 127, 65535, 65536, 1 << 32, UInt64(Int64.max)]
        for opcode in WebSocketOpcode.allCases {
            for fin in [true, false] where fin || !opcode.isControl {
                for rsv1 in [false, true] where !rsv1 || (opcode == .text || opcode == .binary) {
                    for length in lengths where length <= 125 || !opcode.isControl {
                        for mask in [nil, 0, Self.key, 0xFFFF_FFFF] as [UInt32?] {
                            let bytes = WebSocketFrameWriter.header(opcode: opcode, fin: fin, rsv1: rsv1, payloadLength: length, mask: mask)
                            let configuration = WebSocketFrameParser.Configuration(requireMasked: mask != nil, maxPayloadLength: .max, allowRSV1: true)
                            var parser = WebSocketFrameParser(configuration: configuration)
                            if opcode == .continuation {
                                // A continuation needs a message in progress: an empty text frame without FIN.
                                let start = WebSocketFrameWriter.header(opcode: .text, fin: false, payloadLength: 0, mask: mask)
                                #expect(withBuffer(start) { parser.parse($0) } == .frame(WebSocketFrameHeader(fin: false, opcode: .text, maskKey: mask, payloadLength: 0), headerLength: start.count))
                            }
                            let expected = WebSocketFrameHeader(fin: fin, rsv1: rsv1, opcode: opcode, maskKey: mask, payloadLength: length)
                            let result = withBuffer(bytes) { parser.parse($0) }
                            #expect(result == .frame(expected, headerLength: bytes.count), "\(expected)")
                        }
                    }
                }
            }
        }
    }

    // MARK: Close payloads

    /// The code comes first, big-endian, then the reason's UTF-8 (§5.5.1).
    @Test func closePayload() {
        #expect(WebSocketFrameWriter.closePayload(code: .normalClosure) == [0x03, 0xE8])
        #expect(WebSocketFrameWriter.closePayload(code: .messageTooBig, reason: "too big") == [0x03, 0xF1] + bytes("too big"))
        #expect(WebSocketFrameWriter.closePayload(code: WebSocketCloseCode(rawValue: 4999), reason: "") == [0x13, 0x87])
    }

    /// A reason too long for a control frame is cut to 123 bytes, at a character boundary.
    @Test func closeReasonIsTruncated() {
        let ascii = WebSocketFrameWriter.closePayload(code: .goingAway, reason: String(repeating: "x", count: 200))
        #expect(ascii.count == 125)
        // "é" is 2 bytes: 61 of them fit in 123 bytes, the 62nd would not.
        let accented = WebSocketFrameWriter.closePayload(code: .goingAway, reason: String(repeating: "é", count: 70))
        #expect(accented.count == 2 + 122)
        let exact = WebSocketFrameWriter.closePayload(code: .goingAway, reason: String(repeating: "y", count: 123))
        #expect(exact.count == 125)
    }

    /// Close payloads the writer makes pass the close payload check with their code and reason.
    @Test(arguments: ["", "bye", "κόσμε", String(repeating: "€", count: 50)])
    func closePayloadRoundTrips(_ reason: String) {
        let payload = WebSocketFrameWriter.closePayload(code: .policyViolation, reason: reason)
        let result = withBuffer(payload) { WebSocketClosePayload.parse($0) }
        guard case .valid(let code, let range) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(code == .policyViolation)
        #expect(reason.utf8.starts(with: payload[range.range]))
        #expect(payload.count <= 125)
    }
}
