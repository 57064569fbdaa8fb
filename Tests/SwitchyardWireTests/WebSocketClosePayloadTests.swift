import Testing

@testable import SwitchyardWire

struct WebSocketClosePayloadTests {
    private func parse(_ payload: [UInt8]) -> WebSocketClosePayload.Result {
        withBuffer(payload) { WebSocketClosePayload.parse($0) }
    }

    /// An empty close body is valid and carries no code (§5.5.1; the application sees 1005).
    @Test func empty() {
        #expect(parse([]) == .valid(code: nil, reason: .empty))
    }

    /// A code with and without a reason; the reason's range follows the 2 code bytes.
    @Test func codeAndReason() {
        #expect(parse([0x03, 0xE8]) == .valid(code: .normalClosure, reason: ByteRange(offset: 2, count: 0)))
        #expect(parse([0x03, 0xE9] + bytes("bye")) == .valid(code: .goingAway, reason: ByteRange(offset: 2, count: 3)))
        // 4000, private use, with a multi-byte UTF-8 reason ("κόσμε").
        let reason: [UInt8] = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]
        #expect(parse([0x0F, 0xA0] + reason) == .valid(code: WebSocketCloseCode(rawValue: 4000), reason: ByteRange(offset: 2, count: 11)))
    }

    /// A 1-byte body is refused with 1002 (§5.5.1).
    @Test func oneByte() {
        #expect(parse([0x03]) == .invalid(.closePayloadTooShort))
    }

    /// Codes that may not be sent are refused with 1002, whatever follows them (§7.4.1, §7.4.2).
    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] as [UInt16])
    func invalidCode(_ code: UInt16) {
        let result = parse([UInt8(code >> 8), UInt8(code & 0xFF)] + bytes("x"))
        #expect(result == .invalid(.invalidCloseCode(code)))
        #expect(WebSocketProtocolError.invalidCloseCode(code).closeCode == .protocolError)
    }

    /// A reason that is not UTF-8 (a stray continuation byte, an overlong NUL, a surrogate, a
    /// truncated sequence, a code point past U+10FFFF, 0xFF) is refused with 1007 (§5.5.1).
    @Test(arguments: [[0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x61, 0xFF]] as [[UInt8]])
    func invalidReason(_ reason: [UInt8]) {
        #expect(parse([0x03, 0xE8] + reason) == .invalid(.invalidCloseReason))
        #expect(WebSocketProtocolError.invalidCloseReason.closeCode == .invalidPayloadData)
    }
}
