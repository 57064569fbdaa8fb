import Testing

@testable import SwitchyardConfig

struct ServerNameMatcherTests {
    /// The servers of nginx's server_names page, each answering with its position.
    private let text = """
        http {
            server { listen 80; server_name example.org www.example.org; }
            server { listen 80; server_name *.example.org; }
            server { listen 80; server_name mail.*; }
            server { listen 80; server_name ~^(?<user>.+)\\.example\\.net$; }
            server { listen 80; server_name ~^www\\d+\\.example\\.net$; }
            server { listen 80; server_name .example.com *.www.example.org; }
        }
        """

    private func group() throws -> HTTPListenGroup {
        try #require(try load(text).http?.listenGroups.first)
    }

    /// Exact names come first, then leading wildcards, then trailing ones, then regexes.
    @Test func nginxOrder() throws {
        let matcher = try group().matcher
        #expect(matcher.match(host: "example.org").server == 0)
        #expect(matcher.match(host: "www.example.org").server == 0)
        #expect(matcher.match(host: "foo.example.org").server == 1)
        #expect(matcher.match(host: "mail.example.com").server == 5)
        #expect(matcher.match(host: "mail.example.io").server == 2)
        #expect(matcher.match(host: "joe.example.net").server == 3)
    }

    /// The longest leading wildcard wins, whatever the order of the servers.
    @Test func longestWildcard() throws {
        let matcher = try group().matcher
        #expect(matcher.match(host: "a.www.example.org").server == 5)
        #expect(matcher.match(host: "a.b.example.org").server == 1)
    }

    /// `.example.com` means both `example.com` and `*.example.com`; a wildcard needs a label.
    @Test func dotPrefixedName() throws {
        let matcher = try group().matcher
        #expect(matcher.match(host: "example.com").server == 5)
        #expect(matcher.match(host: "x.example.com").server == 5)
        #expect(matcher.match(host: "xexample.com").server == 0)
    }

    /// Regexes are tried in config order and their captures come back.
    @Test func regexCapturesAndOrder() throws {
        let matcher = try group().matcher
        let match = matcher.match(host: "www12.example.net")
        #expect(match.server == 3)
        #expect(match.captures?.named["user"] == "www12")
        #expect(match.captures?.group(1) == "www12")
    }

    /// Hosts compare lowercased and without a trailing dot.
    @Test func hostNormalisation() throws {
        let matcher = try group().matcher
        #expect(matcher.match(host: "WWW.Example.ORG.").server == 0)
        #expect(matcher.match(host: "Joe.Example.Net").captures?.named["user"] == "joe")
    }

    /// No match falls back to the first server of the address, or to its default_server.
    @Test func defaultServer() throws {
        #expect(try group().matcher.match(host: "unknown.test").server == 0)
        let config = try load(
            """
            http {
                server { listen 8080; server_name a.test; }
                server { listen 8080 default_server; server_name b.test; }
                server { listen 8081; server_name c.test; }
            }
            """)
        let groups = try #require(config.http?.listenGroups)
        #expect(groups.map(\.address.port) == [8080, 8081])
        #expect(groups[0].servers == [0, 1])
        #expect(groups[0].defaultServer == 1)
        #expect(groups[0].matcher.match(host: "nothing").server == 1)
        #expect(groups[0].matcher.match(host: "a.test").server == 0)
        #expect(groups[1].matcher.match(host: "a.test").server == 2)
    }

    /// A request without Host matches the empty name, which every server without
    /// `server_name` has; the first server keeps a name two servers claim.
    @Test func emptyAndConflictingNames() throws {
        let config = try load(
            """
            http {
                server { listen 80; server_name a.test; }
                server { listen 80; }
                server { listen 80; server_name a.test ""; }
            }
            """)
        let matcher = try #require(config.http?.listenGroups.first?.matcher)
        #expect(matcher.match(host: "").server == 1)
        #expect(matcher.match(host: "a.test").server == 0)
    }

    /// The matcher works on its own, without a configuration.
    @Test func standalone() throws {
        let regex = try #require(ConfigRegex("^api\\.", caseInsensitive: false))
        let matcher = ServerNameMatcher(
            servers: [(index: 0, names: [.exact("a.test")]), (index: 1, names: [.trailingWildcard(prefix: "www.")]),
                      (index: 2, names: [.regex(regex)])],
            defaultServer: 1)
        #expect(matcher.match(host: "a.test").server == 0)
        #expect(matcher.match(host: "www.b.test").server == 1)
        #expect(matcher.match(host: "www.").server == 1)
        #expect(matcher.match(host: "api.b.test").server == 2)
        #expect(matcher.match(host: "other").server == 1)
    }
}
