import Testing

@testable import SwitchyardWire

struct HTTPVersionTests {
    private func parse(_ text: String) -> HTTPVersion? {
        let fixture = bytes(text)
        return withBuffer(fixture) { HTTPVersion.parse($0, at: 0, count: fixture.count) }
    }

    /// Exactly `HTTP/DIGIT.DIGIT`, case-sensitive.
    @Test func parses() {
        #expect(parse("HTTP/1.1") == .http1_1)
        #expect(parse("HTTP/1.0") == .http1_0)
        #expect(parse("HTTP/2.0") == HTTPVersion(major: 2, minor: 0))
        for bad in ["http/1.1", "HTTP/1", "HTTP/1.", "HTTP/1.10", "HTTP/a.1", "HTTP 1.1", "HTTP/1,1", "HTTPS/1."] {
            #expect(parse(bad) == nil, "\(bad)")
        }
        #expect(HTTPVersion.http1_1.description == "HTTP/1.1")
    }

    /// 1.1 and above have HTTP/1.1 semantics.
    @Test func semantics() {
        #expect(HTTPVersion.http1_1.isAtLeast1_1)
        #expect(HTTPVersion(major: 1, minor: 9).isAtLeast1_1)
        #expect(!HTTPVersion.http1_0.isAtLeast1_1)
    }
}
