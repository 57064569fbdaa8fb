import Testing

@testable import SwitchyardConfig

struct StreamDirectivesTests {
    private func server(_ body: String) throws -> StreamServerConfig {
        try #require(try load(streamServer(body)).stream?.servers.first)
    }

    /// `listen` accepts every address form and its two options.
    @Test func listenForms() throws {
        let config = try load(
            streamServer(
                """
                listen 127.0.0.1:8080;
                listen [::1]:8080 reuseport;
                listen localhost:8081 backlog=128;
                listen *:8082;
                listen 8083 reuseport backlog=1024;
                echo;
                """))
        let listens = try #require(config.stream?.servers.first?.listens)
        #expect(listens.map(\.address.description) == [
            "127.0.0.1:8080", "[::1]:8080", "localhost:8081", "0.0.0.0:8082", "0.0.0.0:8083",
        ])
        #expect(listens.map(\.reuseport) == [false, true, false, false, true])
        #expect(listens.map(\.backlog) == [511, 511, 128, 511, 1024])
        #expect(listens.map(\.location.line) == [3, 4, 5, 6, 7])
    }

    /// Bad listen addresses use nginx's `... of the "listen" directive`.
    @Test func badListenAddresses() {
        #expect(
            loadError(streamServer("listen 127.0.0.1:99999;"))
                == "invalid port in \"127.0.0.1:99999\" of the \"listen\" directive in conf/x.conf:3")
        #expect(
            loadError(streamServer("listen x:abc;")) == "invalid port in \"x:abc\" of the \"listen\" directive in conf/x.conf:3")
        #expect(
            loadError(streamServer("listen localhost;"))
                == "no port in \"localhost\" of the \"listen\" directive in conf/x.conf:3")
        #expect(
            loadError(streamServer("listen unix:/tmp/s;"))
                == "unix domain sockets are not supported in \"unix:/tmp/s\" of the \"listen\" directive in conf/x.conf:3")
    }

    /// Unknown listen options and bad backlogs are named.
    @Test func badListenOptions() {
        #expect(loadError(streamServer("listen 80 foo;")) == "invalid parameter \"foo\" in conf/x.conf:3")
        #expect(loadError(streamServer("listen 80 ssl;")) == "invalid parameter \"ssl\" in conf/x.conf:3")
        #expect(loadError(streamServer("listen 80 backlog=0;")) == "invalid backlog \"backlog=0\" in conf/x.conf:3")
        #expect(loadError(streamServer("listen 80 backlog=x;")) == "invalid backlog \"backlog=x\" in conf/x.conf:3")
    }

    /// The same address in two servers is nginx's duplicate address and port pair.
    @Test func duplicateListen() {
        let text = """
            stream {
                server { listen 127.0.0.1:8080; echo; }
                server {
                    listen 127.0.0.1:8080;
                    echo;
                }
            }
            """
        #expect(loadError(text) == "duplicate \"127.0.0.1:8080\" address and port pair in conf/x.conf:4")
        #expect(
            loadError(streamServer("listen 80;\nlisten *:80;"))
                == "duplicate \"0.0.0.0:80\" address and port pair in conf/x.conf:4")
    }

    /// Different addresses on one port are not duplicates (the wildcard is a separate socket).
    @Test func sameportDifferentHost() throws {
        let config = try load("stream { server { listen 127.0.0.1:80; echo; } server { listen 80; echo; } }")
        #expect(config.stream?.servers.count == 2)
    }

    /// A server without `listen` is reported at the server's line.
    @Test func serverWithoutListen() {
        #expect(
            loadError("stream {\n\n    server {\n        echo;\n    }\n}")
                == "no \"listen\" is defined for server in conf/x.conf:3")
    }

    /// A server with neither `proxy_pass` nor `echo` says which directives are missing.
    @Test func serverWithoutHandler() {
        #expect(
            loadError(streamServer("listen 80;"))
                == "no \"proxy_pass\" or \"echo\" is defined for server in conf/x.conf:2")
    }

    /// `proxy_pass` and `echo` exclude each other; each may appear once.
    @Test func handlersConflict() {
        #expect(
            loadError(streamServer("listen 80;\nproxy_pass 127.0.0.1:81;\necho;"))
                == "\"echo\" cannot be combined with \"proxy_pass\" in one server in conf/x.conf:5")
        #expect(
            loadError(streamServer("listen 80;\necho;\nproxy_pass 127.0.0.1:81;"))
                == "\"proxy_pass\" cannot be combined with \"echo\" in one server in conf/x.conf:5")
        #expect(
            loadError(streamServer("listen 80;\nproxy_pass a:1;\nproxy_pass b:2;"))
                == "\"proxy_pass\" directive is duplicate in conf/x.conf:5")
        #expect(loadError(streamServer("listen 80;\necho;\necho;")) == "\"echo\" directive is duplicate in conf/x.conf:5")
    }

    /// `proxy_pass NAME` finds an upstream declared before or after the server, ignoring case.
    @Test func proxyPassToUpstream() throws {
        let config = try load(
            """
            stream {
                upstream early { server 10.0.0.1:1; }
                server { listen 1; proxy_pass early; }
                server { listen 2; proxy_pass LATE; }
                upstream late { server 10.0.0.2:2; }
            }
            """)
        #expect(config.stream?.servers.map(\.handler) == [.upstream("early"), .upstream("late")])
    }

    /// `proxy_pass ADDR` is a literal address, IPv6 and names included.
    @Test func proxyPassToAddress() throws {
        #expect(try server("listen 1;\nproxy_pass 127.0.0.1:9000;").handler == .address(HostPort(host: "127.0.0.1", port: 9000)))
        #expect(try server("listen 1;\nproxy_pass [::1]:9000;").handler == .address(HostPort(host: "::1", port: 9000)))
        #expect(try server("listen 1;\nproxy_pass db.internal:5432;").handler == .address(HostPort(host: "db.internal", port: 5432)))
    }

    /// A bare name that is no upstream is nginx's "no port in upstream".
    @Test func proxyPassUnknownName() {
        #expect(
            loadError(streamServer("listen 1;\nproxy_pass backend;")) == "no port in upstream \"backend\" in conf/x.conf:4")
        #expect(
            loadError(streamServer("listen 1;\nproxy_pass host:0;")) == "invalid port in upstream \"host:0\" in conf/x.conf:4")
    }

    /// Variables in `proxy_pass` are checked when read and resolved against the stream
    /// variables and maps, so a typo is an error at load, not a dead route at run time.
    @Test func proxyPassVariables() throws {
        let server = try #require(
            try load("stream {\nmap $ssl_preread_server_name $up {\ndefault b;\n}\nserver {\nlisten 1;\nproxy_pass $up;\n}\n}")
                .stream?.servers.first)
        guard case .variable(let value) = server.handler else {
            Issue.record("handler \(server.handler)")
            return
        }
        #expect(value.variables == [.map(0)] && value.source == "$up")
        #expect(
            loadError(streamServer("listen 1;\nproxy_pass $upstream;")) == "unknown \"upstream\" variable in conf/x.conf:4")
        // The http families are not stream variables, as in nginx.
        #expect(
            loadError(streamServer("listen 1;\nproxy_pass $http_host;")) == "unknown \"http_host\" variable in conf/x.conf:4")
        #expect(
            loadError(streamServer("listen 1;\nproxy_pass ${x;"))
                == "the closing bracket in \"x\" variable is missing in conf/x.conf:4")
        #expect(loadError(streamServer("listen 1;\nproxy_pass a$;")) == "invalid variable name in \"a$\" in conf/x.conf:4")
    }

    /// The stream variables resolve; `ssl_preread` is a flag of `stream {}` and its servers.
    @Test func streamVariablesAndSSLPreread() throws {
        let config = try load(
            """
            stream {
            ssl_preread on;
            map "$remote_addr $remote_port $server_addr $server_port $binary_remote_addr $connection $protocol" $all { default x; }
            map "$ssl_preread_server_name $ssl_preread_alpn_protocols $ssl_preread_protocol $msec $time_local $time_iso8601" $tls { default y; }
            server { listen 1; proxy_pass $all$tls; }
            server { listen 2; ssl_preread off; echo; }
            }
            """)
        let stream = try #require(config.stream)
        #expect(stream.maps.map(\.name) == ["all", "tls"])
        #expect(stream.maps[0].source.variables == [
            .remoteAddr, .remotePort, .serverAddr, .serverPort, .binaryRemoteAddr, .connection, .transportProtocol,
        ])
        #expect(stream.maps[1].source.variables.prefix(3) == [
            .sslPrereadServerName, .sslPrereadALPNProtocols, .sslPrereadProtocol,
        ])
        #expect(stream.servers.map(\.sslPreread) == [true, false])
        #expect(loadError("stream {\nssl_preread maybe;\n}") == "invalid value \"maybe\" in \"ssl_preread\" directive, it must be \"on\" or \"off\" in conf/x.conf:2")
    }

    /// A stream map may not redefine a stream variable or another map, nor use an http one;
    /// an http map name is not visible in stream and the reverse.
    @Test func streamMapErrors() {
        #expect(
            loadError("stream {\nmap $remote_addr $remote_port {\n}\n}") == "the duplicate \"remote_port\" variable in conf/x.conf:2")
        #expect(
            loadError("stream {\nmap $remote_addr $a {\n}\nmap $remote_addr $a {\n}\n}")
                == "the duplicate \"a\" variable in conf/x.conf:4")
        #expect(loadError("stream {\nmap $host $a {\n}\n}") == "unknown \"host\" variable in conf/x.conf:2")
        // `$host` is an http variable, so an http map may be named `$ssl_preread_protocol`...
        #expect(loadError("http {\nmap $host $ssl_preread_protocol {\n}\n}") == nil)
        // ...and an http map is not a stream variable.
        #expect(
            loadError("http {\nmap $host $h {\n}\n}\nstream {\nserver {\nlisten 1;\nproxy_pass $h;\n}\n}")
                == "unknown \"h\" variable in conf/x.conf:8")
        #expect(
            loadError("stream {\nmap $a $b {\ndefault $c;\n}\nmap $b $c {\n}\nmap $c $a {\n}\n}")
                == "cycle while evaluating variable \"b\" in conf/x.conf:2")
    }

    /// Upstream servers take weight, max_fails, fail_timeout, backup and down, with nginx's defaults.
    @Test func upstreamServers() throws {
        let config = try load(
            """
            stream {
                upstream pool {
                    server 10.0.0.1:80;
                    server 10.0.0.2:80 weight=5 max_fails=3 fail_timeout=30s;
                    server backup.internal:80 backup max_fails=0 fail_timeout=1m;
                    server [fd00::1]:80 down fail_timeout=0;
                }
                server { listen 80; proxy_pass pool; }
            }
            """)
        let upstream = try #require(config.stream?.upstream(named: "pool"))
        #expect(upstream.location == location(2))
        let servers = upstream.servers
        #expect(servers.map(\.address.description) == [
            "10.0.0.1:80", "10.0.0.2:80", "backup.internal:80", "[fd00::1]:80",
        ])
        #expect(servers.map(\.weight) == [1, 5, 1, 1])
        #expect(servers.map(\.maxFails) == [1, 3, 0, 1])
        #expect(servers.map(\.failTimeout) == [.seconds(10), .seconds(30), .seconds(60), .zero])
        #expect(servers.map(\.backup) == [false, false, true, false])
        #expect(servers.map(\.down) == [false, false, false, true])
        #expect(servers.map(\.location.line) == [3, 4, 5, 6])
    }

    /// Bad upstream server parameters are named exactly as written.
    @Test func badUpstreamParameters() {
        func error(_ line: String) -> String? {
            loadError("stream {\n  upstream u {\n    server 10.0.0.1:80 \(line);\n  }\n}")
        }
        #expect(error("weight=0") == "invalid parameter \"weight=0\" in conf/x.conf:3")
        #expect(error("weight=x") == "invalid parameter \"weight=x\" in conf/x.conf:3")
        #expect(error("max_fails=-1") == "invalid parameter \"max_fails=-1\" in conf/x.conf:3")
        #expect(error("fail_timeout=500ms") == "invalid parameter \"fail_timeout=500ms\" in conf/x.conf:3")
        #expect(error("foo") == "invalid parameter \"foo\" in conf/x.conf:3")
    }

    /// Upstream server addresses need a port.
    @Test func badUpstreamAddresses() {
        #expect(
            loadError("stream {\n  upstream u {\n    server backend1;\n  }\n}")
                == "no port in upstream \"backend1\" in conf/x.conf:3")
        #expect(
            loadError("stream { upstream u { server 10.0.0.1:70000; } }")
                == "invalid port in upstream \"10.0.0.1:70000\" in conf/x.conf:1")
    }

    /// Upstream names are unique regardless of case, and each upstream needs a server.
    @Test func upstreamBlocks() {
        #expect(
            loadError("stream {\n upstream a { server 1.1.1.1:1; }\n upstream A { server 1.1.1.1:2; }\n}")
                == "duplicate upstream \"A\" in conf/x.conf:3")
        #expect(loadError("stream {\n\n upstream empty {\n }\n}") == "no servers are inside upstream in conf/x.conf:3")
    }

    /// An upstream of backup servers only has nothing to back up, as nginx says.
    @Test func upstreamNeedsPrimary() throws {
        #expect(
            loadError("stream {\n upstream spare {\n  server 10.0.0.1:1 backup;\n }\n}")
                == "no servers in upstream \"spare\" in conf/x.conf:2")
        let config = try load("stream { upstream u { server 10.0.0.1:1 down; server 10.0.0.2:1 backup; } }")
        #expect(config.stream?.upstreams.first?.servers.count == 2)
    }

    /// `stream {}` may appear once.
    @Test func duplicateStream() {
        #expect(loadError("stream {}\nstream {}") == "\"stream\" directive is duplicate in conf/x.conf:2")
    }

    /// An empty `stream {}` is a stream with nothing in it.
    @Test func emptyStream() throws {
        let stream = try #require(try load("stream {}").stream)
        #expect(stream.servers.isEmpty)
        #expect(stream.upstreams.isEmpty)
    }
}
