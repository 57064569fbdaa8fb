import Testing

@testable import SwitchyardConfig

struct ConfigRegexTests {
    /// Named groups are found in every PCRE spelling; escaped or bracketed parentheses are
    /// not mistaken for them.
    @Test func groupNames() throws {
        let regex = try #require(ConfigRegex("(?<a>x)(?P<b>y)(?'c'z)\\(?<no>[(?<no2>]", caseInsensitive: false))
        #expect(regex.captureNames == ["a", "b", "c"])
    }

    /// A match is a search anywhere, with numbered and named groups; `~*` ignores case.
    @Test func matching() throws {
        let regex = try #require(ConfigRegex("/(?<id>\\d+)(x)?", caseInsensitive: false))
        let captures = try #require(regex.firstMatch(in: "/user/42"))
        #expect(captures.group(0) == "/42")
        #expect(captures.group(1) == "42")
        #expect(captures.group(2) == "")
        #expect(captures.named == ["id": "42"])
        #expect(regex.firstMatch(in: "/user/x") == nil)
        let caseless = try #require(ConfigRegex("\\.JPG$", caseInsensitive: true))
        #expect(caseless.firstMatch(in: "/a.jpg") != nil)
        #expect(caseless.description == "~*\\.JPG$")
    }

    /// An invalid pattern is refused with the standard library's reason, including the PCRE
    /// features it lacks (lookbehind).
    @Test func invalidPattern() {
        #expect(ConfigRegex("a(", caseInsensitive: false) == nil)
        #expect(throws: ConfigError("invalid regular expression \"a(\": expected ')'", at: location(7))) {
            try ConfigRegex.compile("a(", caseInsensitive: false, at: location(7))
        }
        #expect(
            throws: ConfigError(
                "invalid regular expression \"(?<=q)a\": lookbehind is not currently supported", at: location(7))
        ) {
            try ConfigRegex.compile("(?<=q)a", caseInsensitive: false, at: location(7))
        }
    }

    /// The wildcard forms nginx accepts for server names and map hostnames, and the ones it refuses.
    @Test func hostnamePatterns() {
        typealias Table = HostnameTable<Int>
        #expect(Table.patterns(for: "Example.COM") == [.exact("example.com")])
        #expect(Table.patterns(for: "*.example.com") == [.leading(".example.com")])
        #expect(Table.patterns(for: ".example.com") == [.exact("example.com"), .leading(".example.com")])
        #expect(Table.patterns(for: "mail.*") == [.trailing("mail.")])
        #expect(Table.patterns(for: "") == [.exact("")])
        for bad in ["*", "*.", ".*", "a.*.b", "*.a.*", "w*w.x"] {
            #expect(Table.patterns(for: bad) == nil, "\(bad)")
        }
    }

    /// The table refuses the same pattern twice and prefers exact, then leading, then trailing.
    @Test func hostnameTable() {
        var table = HostnameTable<Int>()
        let added = [
            table.add(.trailing("www."), 3), table.add(.leading(".example.com"), 2),
            table.add(.exact("www.example.com"), 1), table.add(.exact("www.example.com"), 9),
        ]
        #expect(added == [true, true, true, false])
        #expect(table.lookup("www.example.com") == 1)
        #expect(table.lookup("ww2.example.com") == 2)
        #expect(table.lookup("www.example.org") == 3)
        #expect(table.lookup("example.com") == nil)
    }
}
