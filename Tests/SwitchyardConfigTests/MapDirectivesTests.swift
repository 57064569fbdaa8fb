import Testing

@testable import SwitchyardConfig

struct MapDirectivesTests {
    private func map(_ body: String, source: String = "$http_host", name: String = "$out") throws -> MapConfig {
        try #require(try load("http {\nmap \(source) \(name) {\n\(body)\n}\n}").http?.maps.first)
    }

    /// Exact keys ignore case; no match gives the default, which is empty when not written.
    @Test func exactAndDefault() throws {
        let plain = try map("example.com 1;\nExample.ORG 2;\ndefault 0;")
        #expect(plain.lookup("EXAMPLE.COM").value.literalText == "1")
        #expect(plain.lookup("example.org").value.literalText == "2")
        #expect(plain.lookup("other").value.literalText == "0")
        #expect(try map("a 1;").lookup("b").value.literalText == "")
    }

    /// nginx's hostnames example: exact, `*.` and `.` masks, `.*` masks, longest first.
    @Test func hostnames() throws {
        let names = try map(
            """
            hostnames;
            default       0;
            example.com   1;
            *.example.com 1;
            example.org   2;
            *.example.org 2;
            .example.net  3;
            wap.*         4;
            *.a.example.org 5;
            """)
        #expect(names.hostnames)
        #expect(names.lookup("example.com").value.literalText == "1")
        #expect(names.lookup("www.example.com").value.literalText == "1")
        #expect(names.lookup("www.example.org.").value.literalText == "2")
        #expect(names.lookup("x.a.example.org").value.literalText == "5")
        #expect(names.lookup("example.net").value.literalText == "3")
        #expect(names.lookup("foo.example.net").value.literalText == "3")
        #expect(names.lookup("wap.example.io").value.literalText == "4")
        #expect(names.lookup("wap").value.literalText == "0")
    }

    /// Without `hostnames`, a mask is an ordinary string.
    @Test func masksNeedHostnames() throws {
        let plain = try map("*.example.com 1;")
        #expect(plain.lookup("www.example.com").value.literalText == "")
        #expect(plain.lookup("*.example.com").value.literalText == "1")
    }

    /// Regex keys come after strings, first match in order; `~*` ignores case; captures are
    /// returned for the value's `$1`.
    @Test func regexKeys() throws {
        let agents = try map(
            """
            default        desktop;
            "~Opera Mini"  mini;
            ~*mobile       mobile;
            ~^(\\w+)/      $1;
            curl/8         exact;
            """, source: "$http_user_agent")
        #expect(agents.lookup("Opera Mini/1").value.literalText == "mini")
        #expect(agents.lookup("opera mini/1").value.literalText == "desktop")
        #expect(agents.lookup("X MOBILE Y").value.literalText == "mobile")
        #expect(agents.lookup("curl/8").value.literalText == "exact")
        let captured = agents.lookup("Wget/1.2")
        #expect(captured.value.parts == [.variable(.capture(1))])
        #expect(captured.captures?.group(1) == "Wget")
        #expect(agents.lookup("").value.literalText == "desktop")
    }

    /// Keywords, the backslash escape, `volatile`, and a composite source.
    @Test func keywordsAndEscapes() throws {
        let escaped = try map("\\default literal;\nvolatile;\nhostnames x;", source: "$scheme://$host")
        #expect(escaped.isVolatile)
        #expect(!escaped.hostnames)
        #expect(escaped.lookup("default").value.literalText == "literal")
        #expect(escaped.lookup("hostnames").value.literalText == "x")
        #expect(escaped.source.parts == [.variable(.scheme), .literal("://"), .variable(.host)])
    }

    /// Map values may use variables, other maps included, defined before or after.
    @Test func valuesWithVariables() throws {
        let http = try #require(
            try load(
                """
                http {
                    map $host $a { default $b-x; }
                    map $uri $b { default $remote_addr; }
                }
                """
            ).http)
        #expect(http.maps[0].defaultValue.parts == [.variable(.map(1)), .literal("-x")])
    }

    /// nginx's map errors, each at its line.
    @Test func errors() {
        #expect(
            loadError("http {\n map $host $b {\n  x 1;\n  X 2;\n }\n}")
                == "conflicting parameter \"X\" in conf/x.conf:4")
        #expect(
            loadError("http {\n map $host $b {\n  default 1;\n  default 2;\n }\n}")
                == "duplicate default map parameter in conf/x.conf:4")
        #expect(
            loadError("http {\n map $host $b {\n  a b c;\n }\n}") == "invalid number of the map parameters in conf/x.conf:3")
        #expect(
            loadError("http {\n map $host $b {\n  hostnames;\n  www.*.x 1;\n }\n}")
                == "invalid hostname or wildcard \"www.*.x\" in conf/x.conf:4")
        #expect(
            loadError("http {\n map $host $b {\n  hostnames;\n  .x.org 1;\n  x.org 2;\n }\n}")
                == "conflicting parameter \"x.org\" in conf/x.conf:5")
        #expect(
            loadError("http {\n map $host $b {\n  ~( 1;\n }\n}") == "invalid regular expression \"(\": expected ')' in conf/x.conf:3")
        #expect(
            loadError("http {\n map $host $b {\n  a { }\n }\n}") == "unexpected \"{\" in conf/x.conf:3")
        #expect(loadError("http {\n map $host b {}\n}") == "invalid variable name \"b\" in conf/x.conf:2")
        #expect(loadError("http {\n map $uri $host {}\n}") == "the duplicate \"host\" variable in conf/x.conf:2")
        #expect(
            loadError("http {\n map $uri $x {}\n map $uri $x {}\n}") == "the duplicate \"x\" variable in conf/x.conf:3")
        #expect(loadError("http {\n map $uri $x;\n}") == "directive \"map\" has no opening \"{\" in conf/x.conf:2")
        #expect(loadError("http { server { map $uri $x {} } }") == "\"map\" directive is not allowed here in conf/x.conf:1")
    }

    /// A map that depends on itself, directly or through another map, is refused at load.
    @Test func cycles() {
        #expect(
            loadError("http {\n map $host $a { default $a; }\n}") == "cycle while evaluating variable \"a\" in conf/x.conf:2")
        #expect(
            loadError("http {\n map $host $a { x $b; }\n map $a $b { default 1; }\n}")
                == "cycle while evaluating variable \"a\" in conf/x.conf:2")
    }

    /// Lines of a map may come from an included file.
    @Test func includedEntries() throws {
        let directory = TemporaryDirectory()
        directory.write("conf/agents.map", "~*bot 1;\ncurl/8 1;\n")
        let main = directory.write(
            "conf/main.conf", "http {\n map $http_user_agent $bot {\n  default 0;\n  include agents.map;\n }\n}\n")
        let config = try ConfigLoader.load(file: main)
        let map = try #require(config.http?.maps.first)
        #expect(map.lookup("Googlebot").value.literalText == "1")
        #expect(map.lookup("curl/8").value.literalText == "1")
        #expect(map.lookup("firefox").value.literalText == "0")
    }
}
