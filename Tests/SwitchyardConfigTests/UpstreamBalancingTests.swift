import Testing

@testable import SwitchyardConfig

/// The load-balancing lines of `upstream {}`: methods, `max_conns`, `zone`, `sticky`.
struct UpstreamBalancingTests {
    /// `stream {}` with one `upstream u` whose lines start on line 3, and a server using it.
    private func streamUpstream(_ lines: String, extra: String = "") -> String {
        "stream {\n  upstream u {\n\(lines)\n  }\n\(extra)\n  server { listen 1; proxy_pass u; }\n}\n"
    }

    /// The same for `http {}`; the upstream's lines start on line 3.
    private func httpUpstream(_ lines: String, extra: String = "") -> String {
        "http {\n  upstream u {\n\(lines)\n  }\n\(extra)\n  server { location / { proxy_pass http://u; } }\n}\n"
    }

    private func streamMethod(_ lines: String, extra: String = "") throws -> UpstreamConfig {
        try #require(try load(streamUpstream(lines, extra: extra)).stream?.upstream(named: "u"))
    }

    private func httpMethod(_ lines: String, extra: String = "") throws -> UpstreamConfig {
        try #require(try load(httpUpstream(lines, extra: extra)).http?.upstream(named: "u"))
    }

    /// Without a method line a block is round robin, with no sticky cookie and no zone.
    @Test func defaultIsRoundRobin() throws {
        let upstream = try streamMethod("server 10.0.0.1:80;")
        #expect(upstream.method == .roundRobin)
        #expect(upstream.methodLocation == nil)
        #expect(upstream.sticky == nil)
        #expect(upstream.zone == nil)
        #expect(upstream.servers[0].maxConns == 0)
    }

    /// Every method reads the same in both modules, and remembers its line.
    @Test func everyMethodInBothModules() throws {
        let cases: [(String, BalancerMethod)] = [
            ("ip_hash;", .ipHash),
            ("least_conn;", .leastConn),
            ("random;", .random(two: false)),
            ("random two;", .random(two: true)),
            ("random two least_conn;", .random(two: true)),
            ("hash fixed;", .hash(CompiledValue(literal: "fixed"), consistent: false)),
            ("hash fixed consistent;", .hash(CompiledValue(literal: "fixed"), consistent: true)),
        ]
        for (line, method) in cases {
            let lines = "server 10.0.0.1:80;\n\(line)"
            let stream = try streamMethod(lines)
            let http = try httpMethod(lines)
            #expect(stream.method == method, "\(line)")
            #expect(http.method == method, "\(line)")
            #expect(stream.methodLocation == location(4), "\(line)")
        }
    }

    /// A `hash` key's variables resolve in their module, even from a `map` written later.
    @Test func hashKeysResolveVariables() throws {
        let stream = try streamMethod(
            "hash $remote_addr consistent;\nserver 10.0.0.1:80;",
            extra: "  map $remote_port $bucket { default a; }")
        #expect(stream.method == .hash(CompiledValue(parts: [.variable(.remoteAddr)], source: "$remote_addr"), consistent: true))
        #expect(try streamMethod("hash \"$bucket-x\";\nserver 10.0.0.1:80;",
                                 extra: "  map $remote_port $bucket { default a; }").method.hashKey?.parts
            == [.variable(.map(0)), .literal("-x")])

        let http = try httpMethod("hash $cookie_server_id consistent;\nserver 10.0.0.1:80;")
        #expect(http.method.hashKey?.parts == [.variable(.cookie("server_id"))])
        #expect(try httpMethod("hash $arg_userId;\nserver 10.0.0.1:80;").method.hashKey?.parts == [.variable(.arg("userId"))])
    }

    /// An unknown variable, or an http variable in a stream key, is named with the key's line.
    @Test func hashKeyErrors() {
        #expect(loadError(streamUpstream("server 10.0.0.1:80;\nhash $nope;")) == "unknown \"nope\" variable in conf/x.conf:4")
        #expect(loadError(streamUpstream("hash $host;\nserver 10.0.0.1:80;")) == "unknown \"host\" variable in conf/x.conf:3")
        #expect(loadError(httpUpstream("hash $remote_addr sometimes;\nserver 10.0.0.1:80;"))
            == "invalid parameter \"sometimes\" in conf/x.conf:3")
        #expect(loadError(streamUpstream("hash;\nserver 10.0.0.1:80;"))
            == "invalid number of arguments in \"hash\" directive in conf/x.conf:3")
        #expect(loadError(streamUpstream("hash a consistent extra;\nserver 10.0.0.1:80;"))
            == "invalid number of arguments in \"hash\" directive in conf/x.conf:3")
    }

    /// `random` takes `two`, then `least_conn`, and nothing else; `ip_hash` and `least_conn`
    /// take nothing.
    @Test func methodParameterErrors() {
        #expect(loadError(streamUpstream("random three;\nserver 10.0.0.1:80;")) == "invalid parameter \"three\" in conf/x.conf:3")
        #expect(loadError(httpUpstream("random two most_conn;\nserver 10.0.0.1:80;"))
            == "invalid parameter \"most_conn\" in conf/x.conf:3")
        #expect(loadError(streamUpstream("random least_conn;\nserver 10.0.0.1:80;"))
            == "invalid parameter \"least_conn\" in conf/x.conf:3")
        #expect(loadError(streamUpstream("random two least_conn x;\nserver 10.0.0.1:80;"))
            == "invalid number of arguments in \"random\" directive in conf/x.conf:3")
        #expect(loadError(streamUpstream("ip_hash on;\nserver 10.0.0.1:80;"))
            == "invalid number of arguments in \"ip_hash\" directive in conf/x.conf:3")
        #expect(loadError(httpUpstream("least_conn 1;\nserver 10.0.0.1:80;"))
            == "invalid number of arguments in \"least_conn\" directive in conf/x.conf:3")
    }

    /// A second method in one block is an error at the second line (nginx only warns).
    @Test func secondMethodIsRefused() {
        #expect(loadError(streamUpstream("least_conn;\nserver 10.0.0.1:80;\nip_hash;"))
            == "load balancing method redefined in conf/x.conf:5")
        #expect(loadError(httpUpstream("hash $uri;\nhash $uri consistent;\nserver 10.0.0.1:80;"))
            == "load balancing method redefined in conf/x.conf:4")
        #expect(loadError(streamUpstream("random;\nrandom;\nserver 10.0.0.1:80;"))
            == "load balancing method redefined in conf/x.conf:4")
    }

    /// Outside `upstream {}` the methods are not allowed.
    @Test func methodsOnlyInUpstreams() {
        #expect(loadError("stream {\n  least_conn;\n}") == "\"least_conn\" directive is not allowed here in conf/x.conf:2")
        #expect(loadError("http {\n server {\n  ip_hash;\n }\n}") == "\"ip_hash\" directive is not allowed here in conf/x.conf:3")
    }

    /// ip_hash, hash and random have no backup servers, whichever line comes first; least_conn
    /// and round robin keep them.
    @Test func backupOnlyWithRoundRobinAndLeastConn() throws {
        for method in ["ip_hash;", "hash $remote_addr;", "hash $remote_addr consistent;", "random two;"] {
            #expect(loadError(streamUpstream("\(method)\nserver 10.0.0.1:80;\nserver 10.0.0.2:80 backup;"))
                == "balancing method does not support parameter \"backup\" in conf/x.conf:5", "\(method)")
            #expect(loadError(httpUpstream("server 10.0.0.1:80;\nserver 10.0.0.2:80 backup;\n\(method)"))
                == "balancing method does not support parameter \"backup\" in conf/x.conf:4", "\(method)")
        }
        let leastConn = try streamMethod("least_conn;\nserver 10.0.0.1:80;\nserver 10.0.0.2:80 backup;")
        #expect(leastConn.servers.map(\.backup) == [false, true])
        #expect(try httpMethod("server 10.0.0.1:80;\nserver 10.0.0.2:80 backup;\nleast_conn;").method == .leastConn)
    }

    /// `max_conns=N` with 0 meaning no limit, in both modules; anything else is refused.
    @Test func maxConns() throws {
        let stream = try streamMethod("server 10.0.0.1:80 max_conns=10;\nserver 10.0.0.2:80 max_conns=0 weight=2;")
        #expect(stream.servers.map(\.maxConns) == [10, 0])
        #expect(stream.servers.map(\.weight) == [1, 2])
        #expect(try httpMethod("server 10.0.0.1:80 max_conns=3 backup;\nserver 10.0.0.2:80;").servers[0].maxConns == 3)
        for bad in ["max_conns=", "max_conns=-1", "max_conns=x", "max_conns=1k"] {
            #expect(loadError(streamUpstream("server 10.0.0.1:80 \(bad);")) == "invalid parameter \"\(bad)\" in conf/x.conf:3")
        }
    }

    /// `zone NAME [SIZE]` is checked as nginx checks it and changes nothing else.
    @Test func zone() throws {
        #expect(try streamMethod("zone shared;\nserver 10.0.0.1:80;").zone == "shared")
        #expect(try httpMethod("zone shared 64k;\nleast_conn;\nserver 10.0.0.1:80;").zone == "shared")
        #expect(loadError(streamUpstream("zone z 1k;\nserver 10.0.0.1:80;")) == "zone \"z\" is too small in conf/x.conf:3")
        #expect(loadError(httpUpstream("zone z lots;\nserver 10.0.0.1:80;")) == "invalid zone size \"lots\" in conf/x.conf:3")
        #expect(loadError(streamUpstream("zone \"\";\nserver 10.0.0.1:80;")) == "invalid zone name \"\" in conf/x.conf:3")
        #expect(loadError(streamUpstream("zone a;\nzone b;\nserver 10.0.0.1:80;"))
            == "\"zone\" directive is duplicate in conf/x.conf:4")
        #expect(loadError(streamUpstream("zone a 64k 1;\nserver 10.0.0.1:80;"))
            == "invalid number of arguments in \"zone\" directive in conf/x.conf:3")
    }

    /// `sticky cookie` with every parameter.
    @Test func stickyCookie() throws {
        let upstream = try httpMethod(
            "sticky cookie srv_id expires=1h domain=.example.com path=/app httponly secure samesite=lax;\n"
                + "least_conn;\nserver 10.0.0.1:80;")
        let sticky = try #require(upstream.sticky)
        #expect(sticky.name == "srv_id")
        #expect(sticky.expires == .after(.seconds(3600)))
        #expect(sticky.domain == ".example.com")
        #expect(sticky.path == "/app")
        #expect(sticky.httpOnly && sticky.secure)
        #expect(sticky.sameSite == .lax)
        #expect(sticky.location == location(3))
        #expect(upstream.method == .leastConn)

        let minimal = try #require(try httpMethod("sticky cookie s;\nserver 10.0.0.1:80;").sticky)
        #expect(minimal.expires == nil && minimal.domain == nil && minimal.path == nil)
        #expect(!minimal.httpOnly && !minimal.secure && minimal.sameSite == nil)
        #expect(try httpMethod("sticky cookie s expires=max samesite=None;\nserver 10.0.0.1:80;").sticky?.expires == .max)
    }

    /// sticky's errors; in `stream {}` there is no such directive.
    @Test func stickyErrors() {
        func error(_ line: String) -> String? { loadError(httpUpstream("\(line)\nserver 10.0.0.1:80;")) }
        #expect(error("sticky route $route_cookie;") == "invalid parameter \"route\" in conf/x.conf:3")
        #expect(error("sticky cookie;") == "invalid number of arguments in \"sticky\" directive in conf/x.conf:3")
        #expect(error("sticky cookie \"a b\";") == "invalid cookie name \"a b\" in conf/x.conf:3")
        #expect(error("sticky cookie s expires=soon;") == "invalid parameter \"expires=soon\" in conf/x.conf:3")
        #expect(error("sticky cookie s samesite=sometimes;") == "invalid parameter \"samesite=sometimes\" in conf/x.conf:3")
        #expect(error("sticky cookie s \"path=/a;b\";") == "invalid parameter \"path=/a;b\" in conf/x.conf:3")
        #expect(error("sticky cookie s domain=;") == "invalid parameter \"domain=\" in conf/x.conf:3")
        #expect(error("sticky cookie s persistent;") == "invalid parameter \"persistent\" in conf/x.conf:3")
        #expect(error("sticky cookie a;\nsticky cookie b;") == "\"sticky\" directive is duplicate in conf/x.conf:4")
        #expect(loadError(streamUpstream("sticky cookie s;\nserver 10.0.0.1:80;"))
            == "\"sticky\" directive is not allowed here in conf/x.conf:3")
    }
}
