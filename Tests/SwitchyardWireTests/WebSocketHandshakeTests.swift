import Testing

@testable import SwitchyardWire

struct WebSocketHandshakeTests {
    /// RFC 6455 §1.3 and §4.2.2's example: the key `dGhlIHNhbXBsZSBub25jZQ==` is answered with
    /// `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`.
    @Test func rfcExample() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    /// A Substring key (as sliced out of a header) gives the same answer; the result is always 28 characters.
    @Test func substringKey() {
        let field = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
        let key = field[field.firstIndex(of: "d")!...]
        #expect(WebSocketHandshake.acceptValue(forKey: key) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(WebSocketHandshake.acceptValue(forKey: "AAAAAAAAAAAAAAAAAAAAAA==").utf8.count == 28)
    }

    /// Keys that encode 16 bytes are accepted, whichever alphabet characters they use.
    @Test(arguments: ["dGhlIHNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAAAA==", "+/+/+/+/+/+/+/+/+/+/+w==", "x3JJHMbDL1EzLkh9GBhXDw=="])
    func validKeys(_ key: String) {
        #expect(WebSocketHandshake.isValidKey(key))
    }

    /// Anything else is refused: wrong length, missing or misplaced padding, non-alphabet bytes, whitespace.
    @Test(arguments: [
        "", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ===", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQAA",
        "dGhlIHNhbXBsZSBub25jZ===", "dGhlIHNhbXBsZSBub25j-Q==", "dGhlIHNhbXBsZSBub25j_Q==", " dGhlIHNhbXBsZSBub25jZQ==",
        "dGhlIHNhbXBsZSBub25jZQ== ", "dGhlIHNhbXBsZSBub25jZQ=\u{0}", "dGhlIHNhbXBsZSBub25jé==", "ZGVhZGJlZWY=",
    ])
    func invalidKeys(_ key: String) {
        #expect(!WebSocketHandshake.isValidKey(key))
    }
}
