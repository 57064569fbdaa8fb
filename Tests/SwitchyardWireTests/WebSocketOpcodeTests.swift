import Testing

@testable import SwitchyardWire

struct WebSocketOpcodeTests {
    /// The six opcodes of RFC 6455 §5.2 have their wire values; the 10 reserved values have no case.
    @Test func wireValues() {
        #expect(WebSocketOpcode.allCases.map(\.rawValue) == [0x0, 0x1, 0x2, 0x8, 0x9, 0xA])
        let reserved: [UInt8] = [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF]
        for value in reserved { #expect(WebSocketOpcode(rawValue: value) == nil, "\(value)") }
    }

    /// Close, ping and pong are control frames (§5.5); continuation, text and binary are not.
    @Test func controlFrames() {
        #expect(WebSocketOpcode.allCases.filter(\.isControl) == [.close, .ping, .pong])
    }
}
