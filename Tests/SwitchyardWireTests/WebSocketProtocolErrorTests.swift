import Testing

@testable import SwitchyardWire

struct WebSocketProtocolErrorTests {
    /// A too-large payload closes with 1009, a non-UTF-8 close reason with 1007, every other error with 1002 (§7.4.1).
    @Test func closeCodes() {
        #expect(WebSocketProtocolError.payloadTooLarge.closeCode == .messageTooBig)
        #expect(WebSocketProtocolError.invalidCloseReason.closeCode == .invalidPayloadData)
        let protocolErrors: [WebSocketProtocolError] = [
            .reservedBitsSet, .unknownOpcode(3), .fragmentedControlFrame, .controlFrameTooLong, .invalidPayloadLength,
            .unmaskedFrame, .maskedFrame, .unexpectedContinuation, .expectedContinuation, .closePayloadTooShort,
            .invalidCloseCode(1005),
        ]
        for error in protocolErrors { #expect(error.closeCode == .protocolError, "\(error)") }
    }
}
