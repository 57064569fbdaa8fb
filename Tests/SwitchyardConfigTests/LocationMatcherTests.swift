import Testing

@testable import SwitchyardConfig

struct LocationMatcherTests {
    /// Loads `locations` into one server and answers, for each URI, the chosen location's
    /// `return` text (each location says who it is), "301" for a slash redirect, or "none".
    private func chooser(_ locations: String) throws -> (String) -> String {
        let server = try onlyHTTPServer(httpServer(locations))
        return { uri in
            switch server.locationMatcher.match(uri: uri) {
            case .location(let index, _):
                server.locations[index].returnAction?.text?.literalText ?? "?"
            case .redirectAddingSlash:
                "301"
            case .none:
                "none"
            }
        }
    }

    /// nginx's documented example: A for "/", B for "/index.html", C for
    /// "/documents/document.html", D for "/images/1.gif", E for "/documents/1.jpg".
    @Test func nginxDocumentationExample() throws {
        let pick = try chooser(
            """
            location = / { return 200 A; }
            location / { return 200 B; }
            location /documents/ { return 200 C; }
            location ^~ /images/ { return 200 D; }
            location ~* \\.(gif|jpg|jpeg)$ { return 200 E; }
            """)
        #expect(pick("/") == "A")
        #expect(pick("/index.html") == "B")
        #expect(pick("/documents/document.html") == "C")
        #expect(pick("/images/1.gif") == "D")
        #expect(pick("/documents/1.jpg") == "E")
        #expect(pick("/documents/1.JPG") == "E")
    }

    /// The longest prefix wins regardless of config order, and no match at all is `.none`.
    @Test func longestPrefix() throws {
        let pick = try chooser(
            """
            location /a/ { return 200 short; }
            location /a/b/c/ { return 200 long; }
            location /a/b/ { return 200 middle; }
            """)
        #expect(pick("/a/b/c/d") == "long")
        #expect(pick("/a/b/x") == "middle")
        #expect(pick("/a/x") == "short")
        #expect(pick("/z") == "none")
    }

    /// Regex locations are tried in config order and the first match wins over any prefix;
    /// `~` is case-sensitive.
    @Test func firstRegexInOrder() throws {
        let pick = try chooser(
            """
            location /static/ { return 200 prefix; }
            location ~ \\.php$ { return 200 first; }
            location ~ ^/static/.*\\.php$ { return 200 second; }
            """)
        #expect(pick("/static/x.php") == "first")
        #expect(pick("/static/x.PHP") == "prefix")
    }

    /// An exact location ends the search even when a regex would match too.
    @Test func exactBeatsRegex() throws {
        let pick = try chooser(
            """
            location = /x.php { return 200 exact; }
            location ~ \\.php$ { return 200 regex; }
            """)
        #expect(pick("/x.php") == "exact")
        #expect(pick("/y.php") == "regex")
    }

    /// Inside the chosen prefix, nested regexes are checked before the level's own regexes,
    /// and a nested prefix refines the choice.
    @Test func nestedLocationsFirst() throws {
        let pick = try chooser(
            """
            location /app/ {
                return 200 app;
                location ~ \\.php$ { return 200 app-php; }
                location /app/admin/ { return 200 admin; }
            }
            location ~ \\.php$ { return 200 php; }
            """)
        #expect(pick("/app/index.php") == "app-php")
        #expect(pick("/other/index.php") == "php")
        #expect(pick("/app/admin/x") == "admin")
        #expect(pick("/app/x") == "app")
    }

    /// `^~` only stops the regexes of its own level, as in `ngx_http_core_find_location`: a
    /// nested `^~` still lets the outer level's regexes run.
    @Test func noRegexIsPerLevel() throws {
        let pick = try chooser(
            """
            location /a/ {
                return 200 a;
                location ^~ /a/b/ { return 200 b; }
            }
            location ^~ /c/ { return 200 c; }
            location ~ \\.txt$ { return 200 txt; }
            """)
        #expect(pick("/c/x.txt") == "c")
        #expect(pick("/a/b/x") == "b")
        #expect(pick("/a/b/x.txt") == "txt")
    }

    /// A regex location's nested regex refines it; its captures are the ones reported.
    @Test func nestedRegexCaptures() throws {
        let server = try onlyHTTPServer(
            httpServer(
                """
                location ~ ^/user/(\\w+) {
                    location ~ /(\\d+)$ { return 200 id; }
                }
                """))
        guard case .location(let index, let captures) = server.locationMatcher.match(uri: "/user/bob/42") else {
            Issue.record("no location")
            return
        }
        #expect(server.locations[index].pattern == "/(\\d+)$")
        #expect(captures?.group(1) == "42")
        guard case .location(let outer, let outerCaptures) = server.locationMatcher.match(uri: "/user/bob/x") else {
            Issue.record("no location")
            return
        }
        #expect(server.locations[outer].pattern == "^/user/(\\w+)")
        #expect(outerCaptures?.group(1) == "bob")
        #expect(outerCaptures?.group(5) == "")
    }

    /// nginx's auto redirect: `/user` with only `location /user/ { proxy_pass ...; }` is a 301,
    /// unless a location equals `/user`.
    @Test func slashRedirect() throws {
        let pick = try chooser(
            """
            location / { return 200 root; }
            location /user/ { proxy_pass http://127.0.0.1:9000; }
            location /docs/ { return 200 docs; }
            location /api/ { proxy_pass http://127.0.0.1:9000; }
            location = /api { return 200 api-exact; }
            """)
        #expect(pick("/user") == "301")
        #expect(pick("/docs") == "root")
        #expect(pick("/api") == "api-exact")
        #expect(pick("/use") == "root")
    }

    /// The modifier may be glued to the URI, as nginx allows.
    @Test func gluedModifiers() throws {
        let server = try onlyHTTPServer(
            httpServer("location =/a {}\nlocation ~*\\.png$ {}\nlocation ^~/b/ {}\nlocation ~\\.gif$ {}"))
        #expect(server.locations.map(\.modifier) == [.exact, .regexCaseInsensitive, .prefixNoRegex, .regex])
        #expect(server.locations.map(\.pattern) == ["/a", "\\.png$", "/b/", "\\.gif$"])
    }
}
