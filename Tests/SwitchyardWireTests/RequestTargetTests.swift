import Testing

@testable import SwitchyardWire

struct RequestTargetTests {
    /// The parts of a target, as text, or nil when it is refused.
    private func parse(_ target: String, connect: Bool = false, options: Bool = false) -> [String?]? {
        let fixture = bytes(target)
        return withBuffer(fixture) { buffer in
            guard let parts = RequestTarget.parse(
                ByteRange(offset: 0, count: fixture.count), in: buffer, methodIsCONNECT: connect, methodIsOPTIONS: options)
            else { return nil }
            return ["\(parts.form)", parts.path.string(in: buffer), parts.query?.string(in: buffer), parts.authority?.string(in: buffer)]
        }
    }

    /// Origin-form splits path and query at the first "?".
    @Test func originForm() {
        #expect(parse("/") == ["origin", "/", nil, nil])
        #expect(parse("/a/b?x=1?y") == ["origin", "/a/b", "x=1?y", nil])
        #expect(parse("/a?") == ["origin", "/a", "", nil])
        #expect(parse("/%41%2f;p=1,2@x:y!$&'()*+~") == ["origin", "/%41%2f;p=1,2@x:y!$&'()*+~", nil, nil])
    }

    /// Absolute-form gives the authority and a possibly empty path.
    @Test func absoluteForm() {
        #expect(parse("http://example.com/a?b") == ["absolute", "/a", "b", "example.com"])
        #expect(parse("HTTPS://[::1]:8443") == ["absolute", "", nil, "[::1]:8443"])
        #expect(parse("http://h?q") == ["absolute", "", "q", "h"])
        #expect(parse("http://") == nil)
        #expect(parse("http://u@h/") == nil)
        #expect(parse("1http://h/") == nil)
        #expect(parse("http:h") == nil)
    }

    /// Authority-form is CONNECT's and only CONNECT's; asterisk-form is OPTIONS's.
    @Test func authorityAndAsterisk() {
        #expect(parse("example.com:443", connect: true) == ["authority", "", nil, "example.com:443"])
        #expect(parse("[::1]:443", connect: true) == ["authority", "", nil, "[::1]:443"])
        #expect(parse("example.com", connect: true) == nil)
        #expect(parse("example.com:", connect: true) == nil)
        #expect(parse(":443", connect: true) == nil)
        #expect(parse("example.com:x", connect: true) == nil)
        #expect(parse("*", options: true) == ["asterisk", "", nil, nil])
        #expect(parse("*") == nil)
        #expect(parse("*x", options: true) == nil)
    }

    /// Spaces, control bytes, fragments and broken escapes are refused.
    @Test func refusesBadBytes() {
        for bad in ["", "/a b", "/a#f", "/%", "/%4", "/%4g", "/\u{7F}", "/a\tb"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }

    /// Bytes browsers send unencoded although RFC 3986 wants them escaped (`{ } | ^` and
    /// friends, raw UTF-8) are accepted, as nginx accepts them: real traffic carries them.
    @Test func toleratesWhatBrowsersSend() {
        for seen in ["/a\"", "/<x>", "/{x}", "/a|b", "/a^b", "/a\\b", "/a`b", "/caf\u{E9}", "/q?filter={\"a\":1}"] {
            #expect(parse(seen) != nil, "\(seen)")
        }
    }
}
