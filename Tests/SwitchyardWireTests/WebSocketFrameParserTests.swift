import Testing

@testable import SwitchyardWire

struct WebSocketFrameParserTests {
    /// Server-to-client frames (unmasked), as the RFC 6455 §5.7 unmasked examples.
    static let fromServer = WebSocketFrameParser.Configuration(requireMasked: false)
    /// Client-to-server frames (masked).
    static let fromClient = WebSocketFrameParser.Configuration(requireMasked: true)

    private func parse(_ frame: [UInt8], _ configuration: WebSocketFrameParser.Configuration = fromServer) -> WebSocketFrameParser.Result {
        var parser = WebSocketFrameParser(configuration: configuration)
        return withBuffer(frame) { parser.parse($0) }
    }

    // MARK: RFC 6455 §5.7 examples

    /// A single-frame unmasked text message: `0x81 0x05 "Hello"`.
    @Test func unmaskedText() {
        let frame: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        #expect(parse(frame) == .frame(WebSocketFrameHeader(fin: true, opcode: .text, payloadLength: 5), headerLength: 2))
        #expect(Array(frame[2...]) == bytes("Hello"))
    }

    /// A single-frame masked text message: `0x81 0x85`, key `37 fa 21 3d`, masked "Hello".
    @Test func maskedText() {
        var frame: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        let header = WebSocketFrameHeader(fin: true, opcode: .text, maskKey: 0x37FA_213D, payloadLength: 5)
        #expect(parse(frame, Self.fromClient) == .frame(header, headerLength: 6))
        frame.withUnsafeMutableBytes { WebSocketMask.unmask(UnsafeMutableRawBufferPointer(rebasing: $0[6...]), key: 0x37FA_213D, offset: 0) }
        #expect(Array(frame[6...]) == bytes("Hello"))
    }

    /// A fragmented unmasked text message: `0x01 0x03 "Hel"` then `0x80 0x02 "lo"`; the parser
    /// knows a message is in progress between them.
    @Test func fragmentedText() {
        var parser = WebSocketFrameParser(configuration: Self.fromServer)
        let first: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C]
        let second: [UInt8] = [0x80, 0x02, 0x6C, 0x6F]
        #expect(withBuffer(first) { parser.parse($0) } == .frame(WebSocketFrameHeader(fin: false, opcode: .text, payloadLength: 3), headerLength: 2))
        #expect(parser.isInFragmentedMessage)
        #expect(withBuffer(second) { parser.parse($0) } == .frame(WebSocketFrameHeader(fin: true, opcode: .continuation, payloadLength: 2), headerLength: 2))
        #expect(!parser.isInFragmentedMessage)
    }

    /// An unmasked ping with body "Hello" (`0x89 0x05 ...`) and a masked pong (`0x8a 0x85 ...`).
    @Test func pingAndPong() {
        #expect(parse([0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]) == .frame(WebSocketFrameHeader(fin: true, opcode: .ping, payloadLength: 5), headerLength: 2))
        let pong: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(parse(pong, Self.fromClient) == .frame(WebSocketFrameHeader(fin: true, opcode: .pong, maskKey: 0x37FA_213D, payloadLength: 5), headerLength: 6))
    }

    /// 256 bytes of binary in one unmasked frame: `0x82 0x7E 0x0100`, the 16-bit length.
    @Test func binary256() {
        let frame: [UInt8] = [0x82, 0x7E, 0x01, 0x00] + [UInt8](repeating: 0xAB, count: 256)
        #expect(parse(frame) == .frame(WebSocketFrameHeader(fin: true, opcode: .binary, payloadLength: 256), headerLength: 4))
    }

    /// 64 KiB of binary in one unmasked frame: `0x82 0x7F 0x0000000000010000`, the 64-bit length.
    @Test func binary64KiB() {
        let frame: [UInt8] = [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]
        #expect(parse(frame) == .frame(WebSocketFrameHeader(fin: true, opcode: .binary, payloadLength: 65536), headerLength: 10))
    }

    // MARK: Split reads

    static let splitFixtures: [(String, [UInt8], WebSocketFrameParser.Configuration)] = [
        ("unmasked text", [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F], fromServer),
        ("masked text", [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58], fromClient),
        ("16-bit length", [0x82, 0x7E, 0x01, 0x00, 0xAB, 0xAB], fromServer),
        ("64-bit length", [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0xAB], fromServer),
        ("masked 64-bit length", [0x02, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04], fromClient),
        ("empty close", [0x88, 0x00], fromServer),
    ]

    /// Fed a growing buffer one byte longer each time (and copied, so it moves in memory), the
    /// parser needs more bytes until the header's last byte and then finds the one-shot header.
    @Test(arguments: splitFixtures)
    func everyByteBoundary(_ what: String, _ frame: [UInt8], _ configuration: WebSocketFrameParser.Configuration) {
        guard case .frame(let header, let headerLength) = parse(frame, configuration) else {
            Issue.record("\(what) does not parse")
            return
        }
        var parser = WebSocketFrameParser(configuration: configuration)
        for end in 0...frame.count {
            let result = withBuffer(Array(frame[..<end])) { parser.parse($0) }
            if end < headerLength {
                #expect(result == .needMoreBytes, "\(what) at \(end)")
            } else {
                #expect(result == .frame(header, headerLength: headerLength), "\(what) at \(end)")
                parser = WebSocketFrameParser(configuration: configuration)
            }
        }
    }

    /// A stream of frames (a fragmented message with a ping between its fragments, then a close)
    /// parses frame by frame as the caller consumes each header and payload.
    @Test func streamOfFrames() {
        let stream: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C] + [0x89, 0x00] + [0x80, 0x02, 0x6C, 0x6F] + [0x88, 0x02, 0x03, 0xE8]
        var parser = WebSocketFrameParser(configuration: Self.fromServer)
        var offset = 0
        var opcodes: [WebSocketOpcode] = []
        var payload: [UInt8] = []
        while offset < stream.count {
            let result = withBuffer(Array(stream[offset...])) { parser.parse($0) }
            guard case .frame(let header, let headerLength) = result else {
                Issue.record("\(result) at \(offset)")
                return
            }
            opcodes.append(header.opcode)
            let payloadStart = offset + headerLength
            let payloadEnd = payloadStart + Int(header.payloadLength)
            if !header.opcode.isControl { payload += stream[payloadStart..<payloadEnd] }
            offset = payloadEnd
        }
        #expect(opcodes == [.text, .ping, .continuation, .close])
        #expect(payload == bytes("Hello"))
        #expect(withBuffer([]) { parser.parse($0) } == .needMoreBytes)
    }

    // MARK: Lenient and boundary cases

    /// Non-minimal length encodings are accepted (documented leniency): 5 in the 16- and 64-bit forms.
    @Test func nonMinimalLengths() {
        #expect(parse([0x82, 0x7E, 0x00, 0x05]) == .frame(WebSocketFrameHeader(fin: true, opcode: .binary, payloadLength: 5), headerLength: 4))
        #expect(parse([0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 5]) == .frame(WebSocketFrameHeader(fin: true, opcode: .binary, payloadLength: 5), headerLength: 10))
    }

    /// A payload of exactly `maxPayloadLength` is accepted, and with no limit the largest legal length, 2^63 - 1.
    @Test func lengthLimits() {
        let limited = WebSocketFrameParser.Configuration(requireMasked: false, maxPayloadLength: 256)
        #expect(parse([0x82, 0x7E, 0x01, 0x00], limited) == .frame(WebSocketFrameHeader(fin: true, opcode: .binary, payloadLength: 256), headerLength: 4))
        let unlimited = WebSocketFrameParser.Configuration(requireMasked: false, maxPayloadLength: .max)
        let largest: [UInt8] = [0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(parse(largest, unlimited) == .frame(WebSocketFrameHeader(fin: true, opcode: .binary, payloadLength: UInt64(Int64.max)), headerLength: 10))
    }

    /// Control frames of 125 bytes, empty data frames and close frames with and without a code are accepted.
    @Test func boundaryFrames() {
        #expect(parse([0x89, 0x7D]) == .frame(WebSocketFrameHeader(fin: true, opcode: .ping, payloadLength: 125), headerLength: 2))
        #expect(parse([0x81, 0x00]) == .frame(WebSocketFrameHeader(fin: true, opcode: .text, payloadLength: 0), headerLength: 2))
        #expect(parse([0x88, 0x00]) == .frame(WebSocketFrameHeader(fin: true, opcode: .close, payloadLength: 0), headerLength: 2))
        #expect(parse([0x88, 0x02, 0x03, 0xE8]) == .frame(WebSocketFrameHeader(fin: true, opcode: .close, payloadLength: 2), headerLength: 2))
    }

    /// With permessage-deflate, RSV1 is accepted on the first frame of a text or binary message (RFC 7692 §6).
    @Test func rsv1WithDeflate() {
        let deflate = WebSocketFrameParser.Configuration(requireMasked: false, allowRSV1: true)
        #expect(parse([0xC1, 0x03], deflate) == .frame(WebSocketFrameHeader(fin: true, rsv1: true, opcode: .text, payloadLength: 3), headerLength: 2))
        #expect(parse([0x42, 0x03], deflate) == .frame(WebSocketFrameHeader(fin: false, rsv1: true, opcode: .binary, payloadLength: 3), headerLength: 2))
    }

    // MARK: Rejections

    struct Rejection: CustomTestStringConvertible {
        let what: String
        /// Complete frames the parser sees first (to set up fragmentation state).
        let before: [[UInt8]]
        let frame: [UInt8]
        let configuration: WebSocketFrameParser.Configuration
        let error: WebSocketProtocolError
        let closeCode: UInt16

        init(
            _ what: String, before: [[UInt8]] = [], _ frame: [UInt8], config configuration: WebSocketFrameParser.Configuration = fromServer,
            _ error: WebSocketProtocolError, _ closeCode: UInt16 = 1002
        ) {
            self.what = what
            self.before = before
            self.frame = frame
            self.configuration = configuration
            self.error = error
            self.closeCode = closeCode
        }

        var testDescription: String { what }

        func parser() -> WebSocketFrameParser {
            var parser = WebSocketFrameParser(configuration: configuration)
            for frame in before {
                let result = withBuffer(frame) { parser.parse($0) }
                guard case .frame = result else { preconditionFailure("setup frame refused: \(result)") }
            }
            return parser
        }
    }

    static let deflate = WebSocketFrameParser.Configuration(requireMasked: false, allowRSV1: true)
    static let limited = WebSocketFrameParser.Configuration(requireMasked: false, maxPayloadLength: 100)

    static let rejections: [Rejection] = [
        // RSV bits (§5.2; RFC 7692 §6.1).
        Rejection("RSV1 without an extension", [0xC1, 0x00], .reservedBitsSet),
        Rejection("RSV2", [0xA1, 0x00], .reservedBitsSet),
        Rejection("RSV3", [0x91, 0x00], .reservedBitsSet),
        Rejection("RSV2 with permessage-deflate", [0xA1, 0x00], config: deflate, .reservedBitsSet),
        Rejection("RSV1 on a ping with permessage-deflate", [0xC9, 0x00], config: deflate, .reservedBitsSet),
        Rejection("RSV1 on a continuation with permessage-deflate", before: [[0x41, 0x00]], [0xC0, 0x00], config: deflate, .reservedBitsSet),
        // Opcodes (§5.2).
        Rejection("opcode 3", [0x83, 0x00], .unknownOpcode(3)),
        Rejection("opcode 7", [0x87, 0x00], .unknownOpcode(7)),
        Rejection("opcode 0xB", [0x8B, 0x00], .unknownOpcode(0xB)),
        Rejection("opcode 0xF", [0x8F, 0x00], .unknownOpcode(0xF)),
        // Control frames (§5.5).
        Rejection("a close without FIN", [0x08, 0x00], .fragmentedControlFrame),
        Rejection("a ping without FIN", [0x09, 0x00], .fragmentedControlFrame),
        Rejection("a pong without FIN", [0x0A, 0x00], .fragmentedControlFrame),
        Rejection("a 126-byte ping", [0x89, 0x7E, 0x00, 0x7E], .controlFrameTooLong),
        Rejection("a close with a 64-bit length", [0x88, 0x7F, 0, 0, 0, 0, 0, 0, 0, 2], .controlFrameTooLong),
        Rejection("a close with a 1-byte body", [0x88, 0x01, 0x03], .closePayloadTooShort),
        Rejection("a masked close with a 1-byte body", [0x88, 0x81, 1, 2, 3, 4, 0x03], config: fromClient, .closePayloadTooShort),
        // Lengths (§5.2, §10.4).
        Rejection("a 64-bit length with its top bit set", [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0], .invalidPayloadLength),
        Rejection("a 64-bit length of all ones", [0x82, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], .invalidPayloadLength),
        Rejection("a 7-bit length over the limit", [0x82, 0x65], config: limited, .payloadTooLarge, 1009),
        Rejection("a 16-bit length over the limit", [0x82, 0x7E, 0x01, 0x00], config: limited, .payloadTooLarge, 1009),
        Rejection("a 64-bit length over the limit", [0x82, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0], config: limited, .payloadTooLarge, 1009),
        Rejection("a continuation over the limit", before: [[0x01, 0x00]], [0x80, 0x7E, 0x01, 0x00], config: limited, .payloadTooLarge, 1009),
        // Masking (§5.1).
        Rejection("an unmasked client frame", [0x81, 0x05], config: fromClient, .unmaskedFrame),
        Rejection("an unmasked client ping", [0x89, 0x00], config: fromClient, .unmaskedFrame),
        Rejection("a masked server frame", [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D], config: fromServer, .maskedFrame),
        // Fragmentation (§5.4).
        Rejection("a continuation with no message", [0x80, 0x00], .unexpectedContinuation),
        Rejection("a continuation after a finished message", before: [[0x81, 0x00]], [0x80, 0x00], .unexpectedContinuation),
        Rejection("a text frame inside a fragmented message", before: [[0x01, 0x00]], [0x81, 0x00], .expectedContinuation),
        Rejection("a binary frame after a ping inside a message", before: [[0x02, 0x00], [0x89, 0x00]], [0x02, 0x00], .expectedContinuation),
    ]

    /// Every rule violation is refused with its own error and the close code §7.4.1 gives it.
    @Test(arguments: rejections)
    func rejects(_ rejection: Rejection) {
        var parser = rejection.parser()
        #expect(withBuffer(rejection.frame) { parser.parse($0) } == .invalid(rejection.error))
        #expect(rejection.error.closeCode.rawValue == rejection.closeCode)
    }

    /// Fed a byte at a time, a bad frame needs more bytes only until the byte that breaks the
    /// rule, and is refused from then on; the refusal never waits for the rest of the header.
    @Test(arguments: rejections)
    func rejectsAtEveryByteBoundary(_ rejection: Rejection) {
        var parser = rejection.parser()
        var refusedAt: Int?
        for end in 0...rejection.frame.count {
            let result = withBuffer(Array(rejection.frame[..<end])) { parser.parse($0) }
            if result == .invalid(rejection.error) {
                if refusedAt == nil { refusedAt = end }
            } else {
                #expect(result == .needMoreBytes, "at \(end)")
                #expect(refusedAt == nil, "at \(end)")
            }
        }
        #expect(refusedAt != nil)
    }

    /// Each rule is checked as soon as its byte arrives: byte 0 for RSV, opcode, FIN and
    /// ordering; byte 1 for mask and control length; byte 2 for the 64-bit length's top bit.
    @Test func refusesEarly() {
        #expect(parse([0xC1]) == .invalid(.reservedBitsSet))
        #expect(parse([0x83]) == .invalid(.unknownOpcode(3)))
        #expect(parse([0x09]) == .invalid(.fragmentedControlFrame))
        #expect(parse([0x80]) == .invalid(.unexpectedContinuation))
        #expect(parse([0x81, 0x05], Self.fromClient) == .invalid(.unmaskedFrame))
        #expect(parse([0x89, 0x7E]) == .invalid(.controlFrameTooLong))
        #expect(parse([0x82, 0x7F, 0x80]) == .invalid(.invalidPayloadLength))
        #expect(parse([0x88, 0x01]) == .invalid(.closePayloadTooShort))
    }

    /// An error is reported on every later call until `reset()`, which forgets it and any message in progress.
    @Test func errorsAreStickyUntilReset() {
        var parser = WebSocketFrameParser(configuration: Self.fromServer)
        let good: [UInt8] = [0x81, 0x00]
        #expect(withBuffer([0x01, 0x00]) { parser.parse($0) } == .frame(WebSocketFrameHeader(fin: false, opcode: .text, payloadLength: 0), headerLength: 2))
        #expect(withBuffer([0xC1, 0x00]) { parser.parse($0) } == .invalid(.reservedBitsSet))
        #expect(withBuffer(good) { parser.parse($0) } == .invalid(.reservedBitsSet))
        parser.reset()
        #expect(!parser.isInFragmentedMessage)
        #expect(withBuffer(good) { parser.parse($0) } == .frame(WebSocketFrameHeader(fin: true, opcode: .text, payloadLength: 0), headerLength: 2))
    }

    /// An incomplete header does not change the parser: calling again with the same bytes gives the same answer.
    @Test func needMoreBytesIsIdempotent() {
        var parser = WebSocketFrameParser(configuration: Self.fromServer)
        for _ in 0..<3 { #expect(withBuffer([0x01, 0x7E, 0x01]) { parser.parse($0) } == .needMoreBytes) }
        #expect(!parser.isInFragmentedMessage)
        #expect(withBuffer([0x01, 0x7E, 0x01, 0x00]) { parser.parse($0) } == .frame(WebSocketFrameHeader(fin: false, opcode: .text, payloadLength: 256), headerLength: 4))
        #expect(parser.isInFragmentedMessage)
    }

    /// The convenience initializer fills the configuration's defaults: no RSV1, a 16 MiB frame limit.
    @Test func configurationDefaults() {
        let parser = WebSocketFrameParser(requireMasked: true)
        #expect(parser.configuration == WebSocketFrameParser.Configuration(requireMasked: true, maxPayloadLength: 16 << 20, allowRSV1: false))
    }
}
