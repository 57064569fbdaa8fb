import Testing

@testable import SwitchyardConfig

struct StreamProxySettingsTests {
    private let defaults = StreamServerConfig(listens: [], handler: .echo, location: location(1))

    /// The defaults the merge falls back to are nginx's stream defaults.
    @Test func defaultsAreNginx() {
        let merged = StreamProxySettings().merged(with: StreamProxySettings(), over: defaults)
        #expect(merged.proxyConnectTimeout == .seconds(60))
        #expect(merged.proxyTimeout == .seconds(600))
        #expect(merged.proxyNextUpstream == true)
        #expect(merged.proxyNextUpstreamTries == 0)
        #expect(merged.proxyNextUpstreamTimeout == .zero)
        #expect(merged.proxyHalfClose == false)
        #expect(merged.prereadTimeout == .seconds(30))
        #expect(merged.prereadBufferSize == 16384)
    }

    /// A value written in the server wins over the stream's, which wins over the default.
    @Test func childThenParentThenDefault() {
        var parent = StreamProxySettings()
        parent.timeout = .seconds(5)
        parent.connectTimeout = .seconds(2)
        parent.halfClose = true
        var child = StreamProxySettings()
        child.timeout = .seconds(9)
        child.halfClose = false

        let merged = child.merged(with: parent, over: defaults)
        #expect(merged.proxyTimeout == .seconds(9))
        #expect(merged.proxyHalfClose == false)
        #expect(merged.proxyConnectTimeout == .seconds(2))
        #expect(merged.prereadTimeout == .seconds(30))
    }

    /// Every inheritable directive written in `stream {}` reaches a server that does not set it,
    /// and a server that sets it keeps its own.
    @Test func inheritanceThroughConfig() throws {
        let config = try load(
            """
            stream {
                proxy_connect_timeout 5s;
                proxy_timeout 1h30m;
                proxy_next_upstream off;
                proxy_next_upstream_tries 3;
                proxy_next_upstream_timeout 20s;
                proxy_half_close on;
                preread_timeout 500ms;
                preread_buffer_size 32k;

                server { listen 1; echo; }
                server {
                    listen 2;
                    echo;
                    proxy_connect_timeout 1s;
                    proxy_timeout 30;
                    proxy_next_upstream on;
                    proxy_next_upstream_tries 0;
                    proxy_next_upstream_timeout 0;
                    proxy_half_close off;
                    preread_timeout 2s;
                    preread_buffer_size 1k;
                }
            }
            """)
        let servers = try #require(config.stream?.servers)
        let inherited = servers[0]
        #expect(inherited.proxyConnectTimeout == .seconds(5))
        #expect(inherited.proxyTimeout == .seconds(5400))
        #expect(inherited.proxyNextUpstream == false)
        #expect(inherited.proxyNextUpstreamTries == 3)
        #expect(inherited.proxyNextUpstreamTimeout == .seconds(20))
        #expect(inherited.proxyHalfClose == true)
        #expect(inherited.prereadTimeout == .milliseconds(500))
        #expect(inherited.prereadBufferSize == 32768)

        let own = servers[1]
        #expect(own.proxyConnectTimeout == .seconds(1))
        #expect(own.proxyTimeout == .seconds(30))
        #expect(own.proxyNextUpstream == true)
        #expect(own.proxyNextUpstreamTries == 0)
        #expect(own.proxyNextUpstreamTimeout == .zero)
        #expect(own.proxyHalfClose == false)
        #expect(own.prereadTimeout == .seconds(2))
        #expect(own.prereadBufferSize == 1024)
    }

    /// Setting a value in `stream {}` and again in a server is not a duplicate.
    @Test func sameDirectiveInBothScopes() throws {
        let config = try load("stream {\n proxy_timeout 1s;\n server { listen 1; echo; proxy_timeout 2s; }\n}")
        #expect(config.stream?.servers[0].proxyTimeout == .seconds(2))
    }

    /// The merge starts from the server's identity: listens, handler and location pass through.
    @Test func mergeKeepsIdentity() {
        let listen = ListenConfig(address: HostPort(host: "0.0.0.0", port: 1), location: location(3))
        let base = StreamServerConfig(listens: [listen], handler: .upstream("u"), location: location(2))
        let merged = StreamProxySettings().merged(with: StreamProxySettings(), over: base)
        #expect(merged.listens == [listen])
        #expect(merged.handler == .upstream("u"))
        #expect(merged.location == location(2))
    }
}

struct ProxySpliceDirectiveTests {
    /// `proxy_splice` defaults to on, inherits from `stream {}` and `http {}` levels, and is
    /// a flag like nginx's on/off directives.
    @Test func proxySpliceInheritsAndDefaults() throws {
        let config = try ConfigLoader.parse(text: """
            stream {
                proxy_splice off;
                server { listen 127.0.0.1:7001; echo; }
                server { listen 127.0.0.1:7002; echo; proxy_splice on; }
            }
            http {
                server { listen 127.0.0.1:7003; location / { proxy_splice off; return 200; } location /x { return 200; } }
            }
            """, file: "/tmp/splice.conf")
        let stream = try #require(config.stream)
        #expect(stream.servers[0].proxySplice == false)
        #expect(stream.servers[1].proxySplice == true)
        let http = try #require(config.http)
        #expect(http.servers[0].settings.proxySplice == true)
        #expect(http.servers[0].locations.map(\.settings.proxySplice) == [false, true])
        #expect(throws: ConfigError.self) {
            _ = try ConfigLoader.parse(text: "stream { server { listen 127.0.0.1:7001; echo; proxy_splice maybe; } }", file: "/tmp/s.conf")
        }
    }
}
