import Testing

@testable import SwitchyardWire

struct WebSocketFrameHeaderTests {
    /// MASK is set exactly when there is a key, a zero key included; the defaults are no RSV1 and no mask.
    @Test func maskedFollowsTheKey() {
        #expect(!WebSocketFrameHeader(fin: true, opcode: .text, payloadLength: 5).masked)
        #expect(WebSocketFrameHeader(fin: true, opcode: .text, maskKey: 0, payloadLength: 5).masked)
        #expect(!WebSocketFrameHeader(fin: true, opcode: .text, payloadLength: 5).rsv1)
    }
}
