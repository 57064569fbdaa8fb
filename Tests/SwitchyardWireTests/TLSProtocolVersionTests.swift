import Testing

@testable import SwitchyardWire

struct TLSProtocolVersionTests {
    /// nginx's names for the five versions, and none for GREASE or future values.
    @Test func names() {
        #expect(TLSProtocolVersion.ssl3.name == "SSLv3")
        #expect(TLSProtocolVersion.tls1_0.name == "TLSv1")
        #expect(TLSProtocolVersion.tls1_1.name == "TLSv1.1")
        #expect(TLSProtocolVersion.tls1_2.name == "TLSv1.2")
        #expect(TLSProtocolVersion.tls1_3.name == "TLSv1.3")
        #expect(TLSProtocolVersion(rawValue: 0x0A0A).name == "")
        #expect(!TLSProtocolVersion(rawValue: 0x0305).isKnown)
        #expect(TLSProtocolVersion(rawValue: 0x0A0A).description == "0x0a0a")
        #expect(TLSProtocolVersion.tls1_3.description == "TLSv1.3")
    }

    /// Major and minor bytes round-trip, and versions order by their value.
    @Test func bytesAndOrder() {
        let version = TLSProtocolVersion(major: 3, minor: 4)
        #expect(version == .tls1_3 && version.major == 3 && version.minor == 4)
        #expect(TLSProtocolVersion.tls1_2 < .tls1_3)
        #expect(TLSProtocolVersion.ssl3 < .tls1_0)
    }
}
