import Testing

@testable import SwitchyardConfig

struct VariablesTests {
    /// The value of a location's only `proxy_set_header`, compiled.
    private func compiled(_ value: String, extra: String = "") throws -> [CompiledValue.Part] {
        let server = try onlyHTTPServer("http {\n\(extra)\nserver { location / { proxy_set_header X \"\(value)\"; } }\n}")
        return try #require(server.locations.first?.settings.proxySetHeaders.first?.value.parts)
    }

    /// Every fixed name compiles to its own case.
    @Test func builtinNames() throws {
        let names: [(String, VariableRef)] = [
            ("host", .host), ("args", .args), ("is_args", .isArgs), ("request_uri", .requestURI), ("uri", .uri),
            ("request", .request), ("request_method", .requestMethod), ("scheme", .scheme),
            ("server_name", .serverName), ("server_port", .serverPort), ("server_addr", .serverAddr),
            ("remote_addr", .remoteAddr), ("remote_port", .remotePort), ("binary_remote_addr", .binaryRemoteAddr),
            ("remote_user", .remoteUser), ("proxy_add_x_forwarded_for", .proxyAddXForwardedFor),
            ("proxy_host", .proxyHost), ("upstream_addr", .upstreamAddr), ("upstream_status", .upstreamStatus),
            ("upstream_response_time", .upstreamResponseTime), ("upstream_connect_time", .upstreamConnectTime),
            ("status", .status), ("body_bytes_sent", .bodyBytesSent), ("bytes_sent", .bytesSent),
            ("request_time", .requestTime), ("request_length", .requestLength), ("time_local", .timeLocal),
            ("time_iso8601", .timeISO8601), ("msec", .msec), ("connection", .connection),
            ("connection_requests", .connectionRequests), ("http_upgrade", .httpHeader("upgrade")),
        ]
        for (name, ref) in names {
            #expect(try compiled("$\(name)") == [.variable(ref)], "\(name)")
        }
    }

    /// The families keep the part after the prefix; header names become lowercase with dashes.
    @Test func familyNames() throws {
        #expect(try compiled("$http_X_Forwarded_For") == [.variable(.httpHeader("x-forwarded-for"))])
        #expect(try compiled("$cookie_SessionID") == [.variable(.cookie("SessionID"))])
        #expect(try compiled("${arg_page}x") == [.variable(.arg("page")), .literal("x")])
    }

    /// Literal text and variables keep their order.
    @Test func mixedValue() throws {
        #expect(try compiled("for=$remote_addr;proto=$scheme") == [
            .literal("for="), .variable(.remoteAddr), .literal(";proto="), .variable(.scheme),
        ])
    }

    /// An unknown name is nginx's `unknown "x" variable`, at the line that uses it.
    @Test func unknownVariable() {
        #expect(
            loadError(httpServer("location / {\n  proxy_set_header X $hots;\n}"))
                == "unknown \"hots\" variable in conf/x.conf:4")
        #expect(loadError(httpServer("return 200 $http_;")) == "unknown \"http_\" variable in conf/x.conf:3")
        #expect(
            loadError("http {\n log_format x '$upstream_http_server';\n}")
                == "unknown \"upstream_http_server\" variable in conf/x.conf:2")
        #expect(
            loadError("http {\n map $nope $x { default 1; }\n}") == "unknown \"nope\" variable in conf/x.conf:2")
    }

    /// Syntax errors in a value are reported where the directive is read.
    @Test func syntaxErrors() {
        #expect(
            loadError(httpServer("add_header X ${host;"))
                == "the closing bracket in \"host\" variable is missing in conf/x.conf:3")
        #expect(loadError(httpServer("add_header X a$;")) == "invalid variable name in \"a$\" in conf/x.conf:3")
    }

    /// `$1`...`$9` are always accepted (empty without a match, as in nginx); named groups are
    /// variables wherever some regex of `http {}` defines them, even one written later.
    @Test func captures() throws {
        #expect(try compiled("$1-$9") == [.variable(.capture(1)), .literal("-"), .variable(.capture(9))])
        let server = try onlyHTTPServer(
            httpServer(
                """
                location / { add_header X $user; }
                location ~ ^/~(?<user>[a-z]+)/ { add_header Y $user; }
                """))
        #expect(server.locations[0].settings.addHeaders[0].value.parts == [.variable(.namedCapture("user"))])
        #expect(
            loadError(httpServer("location ~ ^/(?<who>x) {}\nadd_header X $whom;"))
                == "unknown \"whom\" variable in conf/x.conf:4")
    }

    /// Named groups come from server_name and map regexes too.
    @Test func capturesFromServerNameAndMap() throws {
        let config = try load(
            """
            http {
                map $uri $section { ~^/(?<first>[^/]+)/ $first; }
                server {
                    server_name ~^(?<sub>.+)\\.example\\.com$;
                    root /srv/$sub;
                }
            }
            """)
        let http = try #require(config.http)
        #expect(http.servers[0].settings.root == .root(CompiledValue(
            parts: [.literal("/srv/"), .variable(.namedCapture("sub"))], source: "/srv/$sub")))
        #expect(http.maps[0].lookup("/docs/x").value.parts == [.variable(.namedCapture("first"))])
        #expect(http.maps[0].lookup("/docs/x").captures?.named["first"] == "docs")
    }

    /// The resolver on its own: map names, then built-ins, then groups, then families.
    @Test func resolverOrder() throws {
        var resolver = VariableResolver()
        resolver.maps["mobile"] = 3
        resolver.namedCaptures = ["user"]
        let at = location(1)
        #expect(try resolver.reference("mobile", at: at) == .map(3))
        #expect(try resolver.reference("user", at: at) == .namedCapture("user"))
        #expect(try resolver.reference("3", at: at) == .capture(3))
        #expect(try resolver.reference("http_host", at: at) == .httpHeader("host"))
        #expect(throws: ConfigError("unknown \"0\" variable", at: at)) { try resolver.reference("0", at: at) }
    }

    /// `CompiledValue` helpers: literal text, the variables used.
    @Test func compiledValueHelpers() {
        let value = CompiledValue(parts: [.literal("a"), .variable(.host), .literal("b")], source: "a$host" + "b")
        #expect(value.literalText == nil)
        #expect(value.variables == [.host])
        #expect(CompiledValue(literal: "x").literalText == "x")
        #expect(CompiledValue(literal: "").parts.isEmpty)
    }
}
