import Testing

@testable import SwitchyardWire

struct ConnectionOptionsTests {
    /// HTTP/1.1 persists unless close; HTTP/1.0 only with keep-alive; close always wins.
    @Test func persistence() {
        #expect(ConnectionOptions().persists(version: .http1_1))
        #expect(!ConnectionOptions.close.persists(version: .http1_1))
        #expect(!ConnectionOptions().persists(version: .http1_0))
        #expect(ConnectionOptions.keepAlive.persists(version: .http1_0))
        #expect(!ConnectionOptions([.keepAlive, .close]).persists(version: .http1_0))
    }
}
