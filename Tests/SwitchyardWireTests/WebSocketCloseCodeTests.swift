import Testing

@testable import SwitchyardWire

struct WebSocketCloseCodeTests {
    /// 1000-1003, 1007-1014 and 3000-4999 may be sent (RFC 6455 §7.4.1, §7.4.2, IANA registry).
    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] as [UInt16])
    func validCodes(_ code: UInt16) {
        #expect(WebSocketCloseCode(rawValue: code).isValidInCloseFrame)
    }

    /// Unused 0-999, reserved 1004, never-sent 1005/1006/1015, unassigned 1016-2999, and 5000 up are refused.
    @Test(arguments: [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func invalidCodes(_ code: UInt16) {
        #expect(!WebSocketCloseCode(rawValue: code).isValidInCloseFrame)
    }

    /// The named codes carry RFC 6455's numbers.
    @Test func namedCodes() {
        #expect(WebSocketCloseCode.normalClosure.rawValue == 1000)
        #expect(WebSocketCloseCode.protocolError.rawValue == 1002)
        #expect(WebSocketCloseCode.noStatusReceived.rawValue == 1005)
        #expect(WebSocketCloseCode.invalidPayloadData.rawValue == 1007)
        #expect(WebSocketCloseCode.messageTooBig.rawValue == 1009)
        #expect(WebSocketCloseCode.internalError.rawValue == 1011)
        #expect(WebSocketCloseCode.tlsHandshakeFailure.rawValue == 1015)
    }
}
