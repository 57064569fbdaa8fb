import Testing

@testable import SwitchyardConfig

struct HTTPSettingsDraftTests {
    /// With nothing written, every setting is nginx's default (access_log: Switchyard's off).
    @Test func defaults() throws {
        let settings = try onlyHTTPServer("http { server { location / {} } }").locations[0].settings
        #expect(settings.proxyHTTPVersion == .http1_0)
        #expect(settings.proxySetHeaders.isEmpty)
        #expect(settings.proxyPassRequestHeaders && settings.proxyPassRequestBody)
        #expect(settings.proxyRedirect == .default)
        #expect(settings.proxyBuffering)
        #expect(settings.proxyConnectTimeout == .seconds(60))
        #expect(settings.proxySendTimeout == .seconds(60))
        #expect(settings.proxyReadTimeout == .seconds(60))
        #expect(settings.clientHeaderTimeout == .seconds(60))
        #expect(settings.clientBodyTimeout == .seconds(60))
        #expect(settings.keepaliveTimeout == KeepaliveTimeout(timeout: .seconds(75)))
        #expect(settings.keepaliveRequests == 1000)
        #expect(settings.clientMaxBodySize == 1_048_576)
        #expect(settings.largeClientHeaderBuffers == HeaderBuffers(count: 4, size: 8192))
        #expect(settings.root == .root(CompiledValue(literal: "html")))
        #expect(settings.index == [CompiledValue(literal: "index.html")])
        #expect(!settings.isInternal)
        #expect(settings.accessLogs.isEmpty)
        #expect(settings.errorLog == ErrorLogConfig())
        #expect(settings.proxyNextUpstream == [.error, .timeout])
        #expect(settings.proxyNextUpstreamTries == 0)
        #expect(settings.proxyNextUpstreamTimeout == .zero)
    }

    /// nginx's default proxy headers are added only when no level names them.
    @Test func defaultProxyHeaders() throws {
        let plain = try onlyHTTPServer("http { server { location / {} } }").locations[0].settings
        #expect(plain.proxyHeadersWithDefaults.map(\.name) == ["Host", "Connection"])
        #expect(plain.proxyHeadersWithDefaults[0].value.parts == [.variable(.proxyHost)])
        #expect(plain.proxyHeadersWithDefaults[1].value.literalText == "close")

        let own = try onlyHTTPServer(
            httpServer("location / { proxy_set_header host $host; proxy_set_header X-Real-IP $remote_addr; }"))
        #expect(own.locations[0].settings.proxyHeadersWithDefaults.map(\.name) == ["host", "X-Real-IP", "Connection"])
    }

    /// A level that sets any proxy_set_header replaces the whole inherited list; one that sets
    /// none inherits the nearest list; an empty value is a removal.
    @Test func proxySetHeaderInheritance() throws {
        let config = try load(
            """
            http {
                proxy_set_header X-A a;
                proxy_set_header X-B b;
                server {
                    location /inherit/ {}
                    location /replace/ {
                        proxy_set_header X-C c;
                        location /replace/inner/ {}
                        location /replace/own/ { proxy_set_header Accept-Encoding ""; }
                    }
                }
                server {
                    listen 81;
                    proxy_set_header X-S s;
                    location / {}
                }
            }
            """)
        let http = try #require(config.http)
        let first = http.servers[0]
        #expect(first.settings.proxySetHeaders.map(\.name) == ["X-A", "X-B"])
        #expect(first.locations[0].settings.proxySetHeaders.map(\.name) == ["X-A", "X-B"])
        #expect(first.locations[1].settings.proxySetHeaders.map(\.name) == ["X-C"])
        #expect(first.locations[2].settings.proxySetHeaders.map(\.name) == ["X-C"])
        let removal = first.locations[3].settings.proxySetHeaders
        #expect(removal.map(\.name) == ["Accept-Encoding"])
        #expect(removal[0].removes)
        #expect(http.servers[1].locations[0].settings.proxySetHeaders.map(\.name) == ["X-S"])
    }

    /// add_header follows the same rule, and keeps `always`.
    @Test func addHeaderInheritance() throws {
        let config = try load(
            """
            http {
                add_header X-Frame-Options DENY always;
                server {
                    location / {}
                    location /api/ { add_header Cache-Control no-store; }
                }
            }
            """)
        let server = try #require(config.http?.servers.first)
        #expect(server.locations[0].settings.addHeaders == [
            HeaderField(name: "X-Frame-Options", value: CompiledValue(literal: "DENY"), always: true)
        ])
        #expect(server.locations[1].settings.addHeaders.map(\.name) == ["Cache-Control"])
        #expect(server.locations[1].settings.addHeaders[0].always == false)
    }

    /// Timeouts and scalars: location, else server, else http, else the default.
    @Test func scalarInheritance() throws {
        let config = try load(
            """
            http {
                proxy_read_timeout 10s;
                proxy_connect_timeout 5s;
                keepalive_timeout 30s 25;
                server {
                    proxy_read_timeout 20s;
                    client_max_body_size 0;
                    location / {
                        proxy_read_timeout 1h;
                        location /deep/ { proxy_send_timeout 500ms; }
                    }
                    location /b/ {}
                }
            }
            """)
        let server = try #require(config.http?.servers.first)
        #expect(config.http?.settings.proxyReadTimeout == .seconds(10))
        #expect(server.settings.proxyReadTimeout == .seconds(20))
        #expect(server.locations[0].settings.proxyReadTimeout == .seconds(3600))
        #expect(server.locations[1].settings.proxyReadTimeout == .seconds(3600))
        #expect(server.locations[1].settings.proxySendTimeout == .milliseconds(500))
        #expect(server.locations[1].settings.proxyConnectTimeout == .seconds(5))
        #expect(server.locations[2].settings.proxyReadTimeout == .seconds(20))
        #expect(server.locations[2].settings.proxySendTimeout == .seconds(60))
        #expect(server.locations[2].settings.clientMaxBodySize == 0)
        #expect(server.locations[2].settings.keepaliveTimeout == KeepaliveTimeout(timeout: .seconds(30), headerTimeout: .seconds(25)))
    }

    /// error_log: location, else server, else http, else the main one.
    @Test func errorLogInheritance() throws {
        let config = try load(
            """
            error_log /var/log/main.log warn;
            http {
                server {
                    location / {}
                    location /x/ { error_log stderr debug; }
                }
            }
            """)
        let server = try #require(config.http?.servers.first)
        #expect(server.locations[0].settings.errorLog == ErrorLogConfig(path: "/var/log/main.log", level: .warn))
        #expect(server.locations[1].settings.errorLog == ErrorLogConfig(path: "stderr", level: .debug))
    }

    /// access_log off at a level cancels inherited logs; a nested level may log again.
    @Test func accessLogInheritance() throws {
        let config = try load(
            """
            http {
                access_log /var/log/a.log;
                server {
                    location / {}
                    location /quiet/ {
                        access_log off;
                        location /quiet/loud/ { access_log /var/log/b.log combined; }
                    }
                }
            }
            """)
        let server = try #require(config.http?.servers.first)
        #expect(server.locations[0].settings.accessLogs.map(\.path) == ["/var/log/a.log"])
        #expect(server.locations[0].settings.accessLogs.first?.format.name == "combined")
        #expect(server.locations[1].settings.accessLogs.isEmpty)
        #expect(server.locations[2].settings.accessLogs.map(\.path) == ["/var/log/b.log"])
    }

    /// Lists written twice in one block add up; written in a child they replace.
    @Test func listsAccumulateWithinBlock() throws {
        let server = try onlyHTTPServer(
            """
            http {
                proxy_hide_header X-Powered-By;
                proxy_hide_header Server;
                index index.htm;
                index default.html;
                server { location / { proxy_pass_header Date; } }
            }
            """)
        let settings = server.locations[0].settings
        #expect(settings.proxyHideHeaders == ["x-powered-by", "server"])
        #expect(settings.proxyPassHeaders == ["date"])
        #expect(settings.index.compactMap(\.literalText) == ["index.htm", "default.html"])
    }

    /// The merge step on its own: explicit values win, unset ones take the parent's.
    @Test func mergeStep() throws {
        var parent = HTTPSettings()
        parent.proxyReadTimeout = .seconds(9)
        parent.keepaliveRequests = 5
        var draft = HTTPSettingsDraft()
        draft.keepaliveRequests = 7
        draft.proxyBuffering = false
        let merged = try draft.merged(
            over: parent, with: MergeContext(resolver: VariableResolver(), logFormats: [:]))
        #expect(merged.proxyReadTimeout == .seconds(9))
        #expect(merged.keepaliveRequests == 7)
        #expect(merged.proxyBuffering == false)
    }
}
