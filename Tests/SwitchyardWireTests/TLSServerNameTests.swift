import Testing

@testable import SwitchyardWire

struct TLSServerNameTests {
    /// Host names as clients send them come out lowercased, one trailing dot dropped.
    @Test(arguments: [
        ("example.com", "example.com"),
        ("Example.COM", "example.com"),
        ("example.com.", "example.com"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),  // an IDN, A-label form
        ("my_service", "my_service"),  // a Docker service name
        ("10.0.0.1", "10.0.0.1"),  // digits only: a host name as far as bytes go
        ("a", "a"),
    ])
    func accepts(name: String, expected: String) {
        #expect(TLSServerName.validated(Array(name.utf8)) == expected)
    }

    /// Bytes a host name cannot hold, empty labels and over-long names and labels are refused.
    @Test(arguments: [
        "", ".", "..", "a..b", ".a", "a.b..", "a b", "a\tb", "a/b", "a:443", "a@b", "[::1]", "a*b",
        "ex\u{0}ample", "exämple", "a\u{7F}", String(repeating: "a", count: 64) + ".example",
    ])
    func refuses(name: String) {
        #expect(TLSServerName.validated(Array(name.utf8)) == nil)
    }

    /// The length bounds: 63-byte labels and 253-byte names pass, one more byte does not.
    @Test func lengthBounds() {
        let label = String(repeating: "a", count: 63)
        #expect(TLSServerName.validated(Array("\(label).example".utf8)) != nil)
        // 4 labels of 63 and one of 1: 4 * 64 - 1 + 2 = 257 > 253; trim to exactly 253.
        let long = String(repeating: "\(label).", count: 3) + String(repeating: "b", count: 61)
        #expect(long.utf8.count == 253)
        #expect(TLSServerName.validated(Array(long.utf8)) != nil)
        #expect(TLSServerName.validated(Array((long + ".").utf8)) != nil)  // trailing dot dropped first
        #expect(TLSServerName.validated(Array((long + "b").utf8)) == nil)
    }
}
