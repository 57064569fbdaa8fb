import Testing

@testable import SwitchyardConfig

struct HTTPDirectivesTests {
    /// A server's only location, from a server body.
    private func onlyLocation(_ body: String) throws -> LocationConfig {
        try #require(try onlyHTTPServer(httpServer(body)).locations.first)
    }

    /// `http {}` may appear once; an empty one is an http block with nothing in it.
    @Test func httpBlock() throws {
        #expect(loadError("http {}\nhttp {}") == "\"http\" directive is duplicate in conf/x.conf:2")
        let http = try #require(try load("http {}").http)
        #expect(http.servers.isEmpty)
        #expect(http.logFormats.map(\.name) == ["combined"])
        #expect(try load("events {}").http == nil)
    }

    /// A server without listen or server_name gets nginx's `*:80` and the empty name.
    @Test func serverDefaults() throws {
        let server = try onlyHTTPServer("http {\n    server {\n    }\n}")
        #expect(server.listens.map(\.address) == [HostPort(host: "0.0.0.0", port: 80)])
        #expect(server.listens[0].location == location(2))
        #expect(server.serverNames == [.exact("")])
        #expect(server.locations.isEmpty)
        #expect(server.locationMatcher.match(uri: "/") == .none)
    }

    /// `listen` takes every address form, a bare host meaning port 80, and its options.
    @Test func listenForms() throws {
        let server = try onlyHTTPServer(
            httpServer(
                """
                listen 127.0.0.1:8080 default_server;
                listen [::1]:8080 reuseport;
                listen localhost;
                listen *:8082 backlog=64;
                listen 8083 default;
                listen [::];
                """))
        #expect(server.listens.map(\.address.description) == [
            "127.0.0.1:8080", "[::1]:8080", "localhost:80", "0.0.0.0:8082", "0.0.0.0:8083", "[::]:80",
        ])
        #expect(server.listens.map(\.defaultServer) == [true, false, false, false, true, false])
        #expect(server.listens.map(\.reuseport) == [false, true, false, false, false, false])
        #expect(server.listens.map(\.backlog) == [511, 511, 511, 64, 511, 511])
    }

    /// nginx's listen errors: duplicates in one server, two default servers, options twice.
    @Test func listenErrors() {
        #expect(
            loadError(httpServer("listen 80;\nlisten *:80;")) == "a duplicate listen 0.0.0.0:80 in conf/x.conf:4")
        #expect(
            loadError("http {\n server { listen 80 default_server; }\n server {\n  listen 80 default_server;\n }\n}")
                == "a duplicate default server for 0.0.0.0:80 in conf/x.conf:4")
        #expect(
            loadError("http {\n server { listen 80 reuseport; }\n server { listen 80 backlog=10; }\n}")
                == "duplicate listen options for 0.0.0.0:80 in conf/x.conf:3")
        #expect(loadError(httpServer("listen 80 ssl;")) == "invalid parameter \"ssl\" in conf/x.conf:3")
        #expect(
            loadError(httpServer("listen 1.2.3.4:0;"))
                == "invalid port in \"1.2.3.4:0\" of the \"listen\" directive in conf/x.conf:3")
        #expect(loadError(httpServer("listen 80 backlog=0;")) == "invalid backlog \"backlog=0\" in conf/x.conf:3")
    }

    /// Several servers may share a port: that is virtual hosting, not a duplicate.
    @Test func sharedPort() throws {
        let config = try load("http { server { server_name a; } server { server_name b; } }")
        #expect(config.http?.listenGroups.count == 1)
        #expect(config.http?.listenGroups.first?.servers == [0, 1])
    }

    /// server_name forms, lowercased, `.x` split in two, regexes compiled.
    @Test func serverNames() throws {
        let server = try onlyHTTPServer(
            httpServer("server_name Example.ORG *.example.org .example.net mail.* \"\";\nserver_name ~^(\\w+)\\.test$;"))
        #expect(server.serverNames.count == 7)
        #expect(Array(server.serverNames.prefix(6)) == [
            .exact("example.org"), .leadingWildcard(suffix: ".example.org"), .exact("example.net"),
            .leadingWildcard(suffix: ".example.net"), .trailingWildcard(prefix: "mail."), .exact(""),
        ])
        guard case .regex(let regex) = server.serverNames[6] else {
            Issue.record("not a regex")
            return
        }
        #expect(regex.pattern == "^(\\w+)\\.test$")
    }

    /// Bad wildcards and bad regexes are named with their line.
    @Test func serverNameErrors() {
        #expect(
            loadError(httpServer("server_name www.*.example.org;"))
                == "invalid server name or wildcard \"www.*.example.org\" in conf/x.conf:3")
        #expect(loadError(httpServer("server_name *;")) == "invalid server name or wildcard \"*\" in conf/x.conf:3")
        #expect(loadError(httpServer("server_name ~^(a;")) == "invalid regular expression \"^(a\": expected ')' in conf/x.conf:3")
    }

    /// nginx's location errors: outside the parent, inside an exact one, duplicates, bad modifier.
    @Test func locationErrors() {
        #expect(
            loadError(httpServer("location /y/ {\n  location /x/ {}\n}"))
                == "location \"/x/\" is outside location \"/y/\" in conf/x.conf:4")
        #expect(
            loadError(httpServer("location = /y {\n  location /y/x {}\n}"))
                == "location \"/y/x\" cannot be inside the exact location \"/y\" in conf/x.conf:4")
        #expect(
            loadError(httpServer("location /x {}\nlocation ^~ /x {}"))
                == "duplicate location \"/x\" in conf/x.conf:4")
        #expect(
            loadError(httpServer("location = /x {}\nlocation =/x {}"))
                == "duplicate location \"/x\" in conf/x.conf:4")
        #expect(loadError(httpServer("location !~ /x {}")) == "invalid location modifier \"!~\" in conf/x.conf:3")
        #expect(loadError(httpServer("location ~ ( {}")) == "invalid regular expression \"(\": expected ')' in conf/x.conf:3")
        #expect(loadError(httpServer("location @fallback {}")) == "named locations are not supported yet in conf/x.conf:3")
        #expect(loadError("http {\n location / {}\n}") == "\"location\" directive is not allowed here in conf/x.conf:2")
    }

    /// An exact and a prefix location of the same URI coexist, as do equal regexes; a nested
    /// regex need not share the parent's prefix.
    @Test func locationsThatAreNotDuplicates() throws {
        let server = try onlyHTTPServer(
            httpServer("location = /x {}\nlocation /x {}\nlocation ~ a {}\nlocation ~ a {}\nlocation /y/ { location ~ z {} }"))
        #expect(server.locations.count == 6)
        #expect(server.locations[5].parent == 4)
        #expect(server.locations[4].children == [5])
    }

    /// proxy_pass to an address with and without a URI part, and to an upstream declared later.
    @Test func proxyPassForms() throws {
        let config = try load(
            """
            http {
                server {
                    location /a/ { proxy_pass http://127.0.0.1:8080; }
                    location /b/ { proxy_pass http://127.0.0.1:8080/; }
                    location /c/ { proxy_pass HTTP://backend/api/v1; }
                    location /d/ { proxy_pass http://example.com; }
                    location /e/ { proxy_pass http://[::1]:80/x; }
                }
                upstream backend { server 10.0.0.1:80; server 10.0.0.2:80 backup; }
            }
            """)
        let passes = try #require(config.http?.servers.first?.locations.map(\.proxyPass))
        #expect(passes.map { $0?.target } == [
            .address(HostPort(host: "127.0.0.1", port: 8080)), .address(HostPort(host: "127.0.0.1", port: 8080)),
            .upstream("backend"), .address(HostPort(host: "example.com", port: 80)),
            .address(HostPort(host: "::1", port: 80)),
        ])
        #expect(passes.map { $0?.uri } == [nil, "/", "/api/v1", nil, "/x"])
        #expect(passes.map { $0?.proxyHost } == ["127.0.0.1:8080", "127.0.0.1:8080", "backend", "example.com", "[::1]"])
        #expect(passes[0]?.location == location(3))
        #expect(config.http?.upstream(named: "BACKEND")?.servers.count == 2)
    }

    /// proxy_pass errors: https, other schemes, unknown variables, a URI part in a regex location,
    /// a port on an upstream name, twice in one location, outside a location.
    @Test func proxyPassErrors() {
        func error(_ line: String, location: String = "/") -> String? {
            loadError(httpServer("location \(location) {\n\(line)\n}"))
        }
        #expect(error("proxy_pass https://b;") == "https is not supported in \"proxy_pass\" yet in conf/x.conf:4")
        #expect(error("proxy_pass ftp://b;") == "invalid URL prefix in \"ftp://b\" in conf/x.conf:4")
        #expect(error("proxy_pass b:80;") == "invalid URL prefix in \"b:80\" in conf/x.conf:4")
        // Variables are resolved at load: an unknown one names its line.
        #expect(error("proxy_pass http://$backend;") == "unknown \"backend\" variable in conf/x.conf:4")
        #expect(error("proxy_pass http://$arg_b/x;") == nil)
        #expect(error("proxy_pass http:///x;") == "no host in upstream \"/x\" in conf/x.conf:4")
        #expect(
            error("proxy_pass http://b/x;", location: "~ \\.php$")
                == "\"proxy_pass\" cannot have URI part in location given by regular expression, or inside named location, or inside \"if\" statement, or inside \"limit_except\" block in conf/x.conf:4")
        #expect(
            error("proxy_pass http://a;\nproxy_pass http://b;") == "\"proxy_pass\" directive is duplicate in conf/x.conf:5")
        #expect(error("proxy_pass http://b:99999;") == "invalid port in upstream \"b:99999\" in conf/x.conf:4")
        #expect(
            loadError("http {\n upstream u { server 1.1.1.1:1; }\n server { location / {\n proxy_pass http://u:8080;\n } }\n}")
                == "upstream \"u\" may not have port 8080 in conf/x.conf:4")
        #expect(loadError(httpServer("proxy_pass http://b;")) == "\"proxy_pass\" directive is not allowed here in conf/x.conf:3")
    }

    /// A regex location may proxy without a URI part.
    @Test func proxyPassInRegexLocation() throws {
        #expect(try onlyLocation("location ~ \\.php$ { proxy_pass http://127.0.0.1:9000; }").proxyPass?.uri == nil)
    }

    /// http upstreams share the stream syntax and its errors.
    @Test func httpUpstreams() {
        #expect(
            loadError("http {\n upstream a { server 1.1.1.1:1; }\n upstream A { server 1.1.1.1:2; }\n}")
                == "duplicate upstream \"A\" in conf/x.conf:3")
        #expect(loadError("http {\n upstream u {\n }\n}") == "no servers are inside upstream in conf/x.conf:2")
        #expect(
            loadError("http { upstream u {\n server 1.1.1.1:1 weight=0;\n} }") == "invalid parameter \"weight=0\" in conf/x.conf:2")
    }

    /// return: a code with a text, a redirect code with a URL, a bare URL (302), a bare code.
    @Test func returnForms() throws {
        let server = try onlyHTTPServer(
            httpServer(
                """
                location /a { return 200 "hello $remote_addr"; }
                location /b { return 301 https://$host$request_uri; }
                location /c { return https://example.com/; }
                location /d { return 204; }
                location /e { return $scheme://example.com; }
                location /f { return 444; }
                """))
        let actions = server.locations.compactMap(\.returnAction)
        #expect(actions.map(\.code) == [200, 301, 302, 204, 302, 444])
        #expect(actions.map(\.isRedirect) == [false, true, true, false, true, false])
        #expect(actions[0].text?.parts == [.literal("hello "), .variable(.remoteAddr)])
        #expect(actions[1].text?.parts == [.literal("https://"), .variable(.host), .variable(.requestURI)])
        #expect(actions[2].text?.literalText == "https://example.com/")
        #expect(actions[3].text == nil)
    }

    /// A server-level return is the server's, not inherited into locations.
    @Test func serverReturn() throws {
        let server = try onlyHTTPServer(httpServer("return 301 https://$host$request_uri;\nlocation / {}"))
        #expect(server.returnAction?.code == 301)
        #expect(server.locations[0].returnAction == nil)
    }

    /// nginx's return errors.
    @Test func returnErrors() {
        #expect(loadError(httpServer("return 1000;")) == "invalid return code \"1000\" in conf/x.conf:3")
        #expect(loadError(httpServer("return /relative;")) == "invalid return code \"/relative\" in conf/x.conf:3")
        #expect(loadError(httpServer("return http://;")) == "invalid return code \"http://\" in conf/x.conf:3")
        #expect(loadError(httpServer("return 200;\nreturn 404;")) == "\"return\" directive is duplicate in conf/x.conf:4")
        #expect(loadError("http {\n return 200;\n}") == "\"return\" directive is not allowed here in conf/x.conf:2")
    }

    /// root and alias exclude each other in one block, with nginx's sentence.
    @Test func rootAndAlias() throws {
        let server = try onlyHTTPServer(
            httpServer("root /srv/www;\nlocation /i/ { alias /data/w3/images/; }\nlocation / {}\nlocation /u/ { root /home/$arg_user; }"))
        #expect(server.settings.root == .root(CompiledValue(literal: "/srv/www")))
        #expect(server.locations[0].settings.root == .alias(CompiledValue(literal: "/data/w3/images/")))
        #expect(server.locations[1].settings.root == .root(CompiledValue(literal: "/srv/www")))
        #expect(server.locations[2].settings.root == .root(CompiledValue(
            parts: [.literal("/home/"), .variable(.arg("user"))], source: "/home/$arg_user")))

        #expect(
            loadError(httpServer("location / {\n root /a;\n alias /b;\n}"))
                == "\"alias\" directive is duplicate, \"root\" directive was specified earlier in conf/x.conf:5")
        #expect(
            loadError(httpServer("location / {\n alias /a;\n root /b;\n}"))
                == "\"root\" directive is duplicate, \"alias\" directive was specified earlier in conf/x.conf:5")
        #expect(loadError(httpServer("root /a;\nroot /b;")) == "\"root\" directive is duplicate in conf/x.conf:4")
        #expect(loadError(httpServer("alias /a;")) == "\"alias\" directive is not allowed here in conf/x.conf:3")
    }

    /// index and internal.
    @Test func indexAndInternal() throws {
        let location = try onlyLocation("location /private/ { internal; index a.html /abs/b.html; }")
        #expect(location.settings.isInternal)
        #expect(location.settings.index.compactMap(\.literalText) == ["a.html", "/abs/b.html"])
        #expect(
            loadError(httpServer("index /abs.html b.html;"))
                == "only the last index in \"index\" directive should be absolute in conf/x.conf:3")
        #expect(loadError(httpServer("internal;")) == "\"internal\" directive is not allowed here in conf/x.conf:3")
        #expect(
            loadError(httpServer("location / {\n internal;\n internal;\n}")) == "\"internal\" directive is duplicate in conf/x.conf:5")
    }

    /// Header names must be tokens and values single lines; add_header's third word is `always`.
    @Test func headerErrors() {
        #expect(
            loadError(httpServer("proxy_set_header \"X Bad\" v;")) == "invalid header name \"X Bad\" in conf/x.conf:3")
        #expect(
            loadError(httpServer("proxy_set_header X-A \"a\\nb\";")) == "invalid header value \"a\nb\" in conf/x.conf:3")
        #expect(loadError(httpServer("add_header X-A v sometimes;")) == "invalid parameter \"sometimes\" in conf/x.conf:3")
    }

    /// The enumerated and list-valued proxy settings.
    @Test func proxySettings() throws {
        let settings = try onlyLocation(
            """
            location / {
                proxy_http_version 1.1;
                proxy_redirect off;
                proxy_buffering off;
                proxy_pass_request_body off;
                proxy_pass_request_headers off;
                proxy_next_upstream error timeout http_502 http_503 non_idempotent;
                proxy_next_upstream_tries 3;
                proxy_next_upstream_timeout 10s;
            }
            """
        ).settings
        #expect(settings.proxyHTTPVersion == .http1_1)
        #expect(settings.proxyRedirect == .off)
        #expect(!settings.proxyBuffering && !settings.proxyPassRequestBody && !settings.proxyPassRequestHeaders)
        #expect(settings.proxyNextUpstream == [.error, .timeout, .http502, .http503, .nonIdempotent])
        #expect(settings.proxyNextUpstreamTries == 3)
        #expect(settings.proxyNextUpstreamTimeout == .seconds(10))
        #expect(try onlyLocation("location / { proxy_next_upstream error off; }").settings.proxyNextUpstream == [])
    }

    /// Errors of the proxy settings use nginx's sentences.
    @Test func proxySettingErrors() {
        #expect(
            loadError(httpServer("proxy_http_version 2.0;"))
                == "invalid value \"2.0\" in \"proxy_http_version\" directive, it must be \"1.0\" or \"1.1\" in conf/x.conf:3")
        #expect(
            loadError(httpServer("proxy_redirect http://a/ /;"))
                == "invalid number of arguments in \"proxy_redirect\" directive in conf/x.conf:3")
        #expect(loadError(httpServer("proxy_next_upstream http_418;")) == "invalid value \"http_418\" in conf/x.conf:3")
        #expect(
            loadError(httpServer("proxy_read_timeout 1s;\nproxy_read_timeout 2s;"))
                == "\"proxy_read_timeout\" directive is duplicate in conf/x.conf:4")
        #expect(
            loadError("http {\n proxy_buffering maybe;\n}")
                == "invalid value \"maybe\" in \"proxy_buffering\" directive, it must be \"on\" or \"off\" in conf/x.conf:2")
    }

    /// Client connection limits, and where they may be written.
    @Test func clientLimits() throws {
        let server = try onlyHTTPServer(
            httpServer(
                "client_header_timeout 5s;\nlarge_client_header_buffers 8 16k;\nkeepalive_requests 100;\nclient_body_timeout 1m;"))
        #expect(server.settings.clientHeaderTimeout == .seconds(5))
        #expect(server.settings.largeClientHeaderBuffers == HeaderBuffers(count: 8, size: 16384))
        #expect(server.settings.keepaliveRequests == 100)
        #expect(server.settings.clientBodyTimeout == .seconds(60 * 1))
        #expect(
            loadError(httpServer("location / {\n client_header_timeout 1s;\n}"))
                == "\"client_header_timeout\" directive is not allowed here in conf/x.conf:4")
        #expect(
            loadError(httpServer("large_client_header_buffers 0 8k;"))
                == "\"large_client_header_buffers\" directive invalid value in conf/x.conf:3")
        #expect(
            loadError(httpServer("keepalive_timeout 75s x;")) == "\"keepalive_timeout\" directive invalid value in conf/x.conf:3")
        #expect(
            loadError(httpServer("client_max_body_size 10q;"))
                == "\"client_max_body_size\" directive invalid value in conf/x.conf:3")
    }

    /// log_format: escaping modes, strings joined part by part, nginx's errors.
    @Test func logFormats() throws {
        let http = try #require(
            try load(
                """
                http {
                    log_format main '$remote_addr - [$time_local] '
                                    '"$request" $status';
                    log_format js escape=json '{"uri":"$uri"}';
                    log_format raw escape=none $request;
                    log_format glued '$msec' 'x';
                }
                """
            ).http)
        #expect(http.logFormats.map(\.name) == ["combined", "main", "js", "raw", "glued"])
        #expect(http.logFormats.map(\.escape) == [.default, .default, .json, .none, .default])
        #expect(http.logFormat(named: "main")?.format.parts == [
            .variable(.remoteAddr), .literal(" - ["), .variable(.timeLocal), .literal("] "), .literal("\""),
            .variable(.request), .literal("\" "), .variable(.status),
        ])
        #expect(http.logFormat(named: "glued")?.format.parts == [.variable(.msec), .literal("x")])
        #expect(http.logFormat(named: "combined")?.format.variables.contains(.httpHeader("user-agent")) == true)
        #expect(http.logFormat(named: "main")?.location == location(2))

        #expect(
            loadError("http {\n log_format a x;\n log_format a y;\n}") == "duplicate \"log_format\" name \"a\" in conf/x.conf:3")
        #expect(
            loadError("http {\n log_format combined x;\n}") == "duplicate \"log_format\" name \"combined\" in conf/x.conf:2")
        #expect(
            loadError("http {\n log_format a escape=xml x;\n}") == "unknown log format escaping \"xml\" in conf/x.conf:2")
        #expect(loadError(httpServer("log_format a x;")) == "\"log_format\" directive is not allowed here in conf/x.conf:3")
    }

    /// access_log: formats by name, parameters, off, and nginx's errors.
    @Test func accessLogs() throws {
        let server = try onlyHTTPServer(
            """
            http {
                log_format main '$remote_addr $status';
                server {
                    access_log /var/log/a.log main buffer=32k flush=5s if=$loggable;
                    access_log /dev/stderr;
                }
                map $status $loggable { ~^[23] 0; default 1; }
            }
            """)
        let logs = server.settings.accessLogs
        #expect(logs.map(\.path) == ["/var/log/a.log", "/dev/stderr"])
        #expect(logs.map(\.format.name) == ["main", "combined"])
        #expect(logs[0].bufferSize == 32768)
        #expect(logs[0].flush == .seconds(5))
        #expect(logs[0].condition?.parts == [.variable(.map(0))])

        #expect(loadError(httpServer("access_log /x nope;")) == "unknown log format \"nope\" in conf/x.conf:3")
        #expect(loadError(httpServer("access_log off main;")) == "invalid parameter \"main\" in conf/x.conf:3")
        #expect(loadError(httpServer("access_log /x combined gzip;")) == "invalid parameter \"gzip\" in conf/x.conf:3")
        #expect(loadError(httpServer("access_log /x combined buffer=0;")) == "invalid buffer size \"0\" in conf/x.conf:3")
        #expect(
            loadError(httpServer("access_log /logs/$host.log;"))
                == "variables are not supported in \"access_log\" paths yet in conf/x.conf:3")
    }

    /// The WebSocket proxy from nginx's article loads cleanly and compiles to what Core needs.
    @Test func webSocketConfig() throws {
        let config = try load(
            """
            http {
                map $http_upgrade $connection_upgrade {
                    default upgrade;
                    ''      close;
                }
                upstream websocket {
                    server 192.168.100.10:8010;
                }
                server {
                    listen 8020;
                    location / {
                        proxy_pass http://websocket;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                        proxy_set_header Host $host;
                        proxy_read_timeout 1h;
                    }
                }
            }
            """)
        let http = try #require(config.http)
        let location = try #require(http.servers.first?.locations.first)
        #expect(location.proxyPass?.target == .upstream("websocket"))
        #expect(location.settings.proxyHTTPVersion == .http1_1)
        #expect(location.settings.proxyHeadersWithDefaults.map(\.name) == ["Upgrade", "Connection", "Host"])
        #expect(location.settings.proxySetHeaders[0].value.parts == [.variable(.httpHeader("upgrade"))])
        #expect(location.settings.proxySetHeaders[1].value.parts == [.variable(.map(0))])
        let map = http.maps[0]
        #expect(map.name == "connection_upgrade")
        #expect(map.source.parts == [.variable(.httpHeader("upgrade"))])
        #expect(map.lookup("").value.literalText == "close")
        #expect(map.lookup("websocket").value.literalText == "upgrade")
    }

    /// A typical reverse proxy with X-Forwarded headers, TLS-terminating redirect and static files.
    @Test func reverseProxyConfig() throws {
        let config = try load(
            """
            http {
                log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                                '$status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"';
                access_log /var/log/switchyard/access.log main;
                keepalive_timeout 65;
                client_max_body_size 10m;
                upstream app { server 127.0.0.1:3000 max_fails=3 fail_timeout=30s; server 127.0.0.1:3001; }
                server {
                    listen 80 default_server;
                    server_name _;
                    return 301 https://$host$request_uri;
                }
                server {
                    listen 8080;
                    server_name app.example.com;
                    root /srv/app/public;
                    location / {
                        proxy_pass http://app;
                        proxy_set_header Host $host;
                        proxy_set_header X-Real-IP $remote_addr;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                    }
                    location /assets/ { index index.html; }
                }
            }
            """)
        let http = try #require(config.http)
        #expect(http.servers.count == 2)
        #expect(http.listenGroups.map(\.address.port) == [80, 8080])
        #expect(http.servers[1].locations[0].settings.accessLogs.first?.format.name == "main")
        #expect(http.servers[1].locations[0].settings.keepaliveTimeout.timeout == .seconds(65))
        #expect(http.servers[1].locations[1].settings.root == .root(CompiledValue(literal: "/srv/app/public")))
    }
}

struct WebSocketEchoDirectiveTests {
    /// `websocket_echo;` marks only its own location, is allowed once, only in a location,
    /// and never together with proxy_pass.
    @Test func websocketEchoDirective() throws {
        let config = try ConfigLoader.parse(text: """
            http { server { listen 127.0.0.1:7010;
                location /ws { websocket_echo; }
                location / { return 200; }
            } }
            """, file: "/tmp/ws.conf")
        let locations = try #require(config.http).servers[0].locations
        #expect(locations.map(\.websocketEcho) == [true, false])
        #expect(throws: ConfigError(message: "\"websocket_echo\" directive is duplicate", location: SourceLocation(file: "/tmp/ws.conf", line: 1))) {
            _ = try ConfigLoader.parse(text: "http { server { listen 127.0.0.1:7010; location / { websocket_echo; websocket_echo; } } }", file: "/tmp/ws.conf")
        }
        #expect(throws: ConfigError(message: "\"websocket_echo\" directive is not allowed here", location: SourceLocation(file: "/tmp/ws.conf", line: 1))) {
            _ = try ConfigLoader.parse(text: "http { server { listen 127.0.0.1:7010; websocket_echo; } }", file: "/tmp/ws.conf")
        }
        #expect(throws: ConfigError(message: "\"websocket_echo\" cannot be combined with \"proxy_pass\" in one location", location: SourceLocation(file: "/tmp/ws.conf", line: 1))) {
            _ = try ConfigLoader.parse(text: "http { server { listen 127.0.0.1:7010; location / { websocket_echo; proxy_pass http://127.0.0.1:9; } } }", file: "/tmp/ws.conf")
        }
    }
}
