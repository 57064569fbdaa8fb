/// Every directive Switchyard understands, each declared once: name, where it may appear, how
/// many arguments it takes, and what it sets. nginx's `ngx_command_t` arrays, as data.
/// `include` is not here: the parser expands it before directives are interpreted.
enum DirectiveTable {
    static let specs: [DirectiveSpec] =
        mainDirectives + eventsDirectives + streamDirectives + httpDirectives + upstreamDirectives

    static let mainDirectives: [DirectiveSpec] = [
        DirectiveSpec("worker_processes", .main, .exactly(1), .custom(MainDirectives.workerProcesses)),
        DirectiveSpec("worker_rlimit_nofile", .main, .exactly(1), .number(\.workerRlimitNofile, minimum: 1)),
        DirectiveSpec(
            "error_log", [.main, .stream, .streamServer, .http, .httpServer, .httpLocation], .between(1, 2),
            .custom(MainDirectives.errorLog)),
        DirectiveSpec("pid", .main, .exactly(1), .string(\.pidPath)),
        DirectiveSpec("worker_shutdown_timeout", .main, .exactly(1), .time(\.workerShutdownTimeout)),
        DirectiveSpec("load_module", .main, .exactly(1), .custom(AcceptedDirectives.anyValue)),
        DirectiveSpec("daemon", .main, .flag, .custom(AcceptedDirectives.flag), default: "on"),
        DirectiveSpec("master_process", .main, .flag, .custom(AcceptedDirectives.flag), default: "on"),
        DirectiveSpec(
            "events", .main, .none,
            .block(.events, open: MainDirectives.openEvents, close: MainDirectives.closeEvents)),
        DirectiveSpec(
            "stream", .main, .none,
            .block(.stream, open: StreamDirectives.openStream, close: StreamDirectives.closeStream)),
        DirectiveSpec(
            "http", .main, .none, .block(.http, open: HTTPDirectives.openHTTP, close: HTTPDirectives.closeHTTP)),
    ]

    static let eventsDirectives: [DirectiveSpec] = [
        DirectiveSpec("worker_connections", .events, .exactly(1), .number(\.workerConnections, minimum: 1)),
        DirectiveSpec("multi_accept", .events, .flag, .flag(\.multiAccept)),
        DirectiveSpec("use", .events, .exactly(1), .custom(MainDirectives.use)),
    ]

    static let streamDirectives: [DirectiveSpec] = [
        DirectiveSpec(
            "upstream", .stream, .exactly(1),
            .block(.streamUpstream, open: StreamDirectives.openUpstream, close: StreamDirectives.closeUpstream)),
        // Two directives share the name `server`, as in nginx: a block in `stream`, a line in `upstream`.
        DirectiveSpec("server", .streamUpstream, .atLeast(1), .custom(UpstreamDirectives.server)),
        DirectiveSpec(
            "server", .stream, .none,
            .block(.streamServer, open: StreamDirectives.openServer, close: StreamDirectives.closeServer)),
        DirectiveSpec("listen", .streamServer, .atLeast(1), .custom(StreamDirectives.listen)),
        DirectiveSpec("proxy_pass", .streamServer, .exactly(1), .custom(StreamDirectives.proxyPass)),
        DirectiveSpec("echo", .streamServer, .none, .custom(StreamDirectives.echo)),
        DirectiveSpec("map", .stream, .exactly(2), .rawBlock(MapDirectives.streamMap)),

        // Written in `stream {}`, these are inherited by every server that does not set them.
        DirectiveSpec("proxy_connect_timeout", .streamScopes, .exactly(1), .time(\.scopeProxy.connectTimeout)),
        DirectiveSpec("proxy_timeout", .streamScopes, .exactly(1), .time(\.scopeProxy.timeout)),
        // One row for both modules: the name is the same and neither sizes anything here.
        DirectiveSpec(
            "proxy_buffer_size", .streamScopes.union(.httpScopes), .exactly(1), .custom(AcceptedDirectives.size),
            default: "16k (stream), 4k|8k (http)"),
        DirectiveSpec("proxy_next_upstream", .streamScopes, .flag, .flag(\.scopeProxy.nextUpstream)),
        DirectiveSpec(
            "proxy_next_upstream_tries", .streamScopes, .exactly(1),
            .number(\.scopeProxy.nextUpstreamTries, minimum: 0)),
        DirectiveSpec(
            "proxy_next_upstream_timeout", .streamScopes, .exactly(1), .time(\.scopeProxy.nextUpstreamTimeout)),
        DirectiveSpec("proxy_half_close", .streamScopes, .flag, .flag(\.scopeProxy.halfClose)),
        DirectiveSpec("proxy_splice", .streamScopes, .flag, .flag(\.scopeProxy.splice)),
        DirectiveSpec("preread_timeout", .streamScopes, .exactly(1), .time(\.scopeProxy.prereadTimeout)),
        DirectiveSpec("preread_buffer_size", .streamScopes, .exactly(1), .size(\.scopeProxy.prereadBufferSize)),
        DirectiveSpec("ssl_preread", .streamScopes, .flag, .flag(\.scopeProxy.sslPreread)),
    ]

    static let httpDirectives: [DirectiveSpec] = [
        // Blocks. `server` is two directives again: a block in `http`, a line in `upstream`.
        DirectiveSpec(
            "upstream", .http, .exactly(1),
            .block(.httpUpstream, open: HTTPDirectives.openUpstream, close: HTTPDirectives.closeUpstream)),
        DirectiveSpec("server", .httpUpstream, .atLeast(1), .custom(UpstreamDirectives.server)),
        DirectiveSpec("keepalive", .httpUpstream, .exactly(1), .number(\.upstreamKeepalive.connections, minimum: 1)),
        DirectiveSpec("keepalive_timeout", .httpUpstream, .exactly(1), .time(\.upstreamKeepalive.timeout), default: "60s"),
        DirectiveSpec(
            "keepalive_requests", .httpUpstream, .exactly(1), .number(\.upstreamKeepalive.requests, minimum: 1),
            default: "1000"),
        DirectiveSpec("keepalive_time", .httpUpstream, .exactly(1), .time(\.upstreamKeepalive.time), default: "1h"),
        DirectiveSpec(
            "server", .http, .none,
            .block(.httpServer, open: HTTPDirectives.openServer, close: HTTPDirectives.closeServer)),
        DirectiveSpec(
            "location", [.httpServer, .httpLocation], .between(1, 2),
            .block(.httpLocation, open: HTTPDirectives.openLocation, close: HTTPDirectives.closeLocation)),
        DirectiveSpec("map", .http, .exactly(2), .rawBlock(MapDirectives.httpMap)),
        DirectiveSpec("log_format", .http, .atLeast(2), .custom(HTTPDirectives.logFormat)),

        // Server identity.
        DirectiveSpec("listen", .httpServer, .atLeast(1), .custom(HTTPDirectives.listen), default: "*:80"),
        DirectiveSpec("server_name", .httpServer, .atLeast(1), .custom(HTTPDirectives.serverName), default: "\"\""),

        // What answers: per location (or server, for `return`), never inherited.
        DirectiveSpec("proxy_pass", .httpLocation, .exactly(1), .custom(HTTPDirectives.proxyPass)),
        DirectiveSpec(
            "return", [.httpServer, .httpLocation], .between(1, 2), .custom(HTTPDirectives.returnDirective)),
        DirectiveSpec("websocket_echo", .httpLocation, .none, .custom(HTTPDirectives.websocketEcho)),

        // Inherited http → server → location; one merge step per level (`HTTPSettingsDraft.merged`).
        DirectiveSpec(
            "proxy_http_version", .httpScopes, .exactly(1), .custom(HTTPDirectives.proxyHTTPVersion), default: "1.0"),
        DirectiveSpec("proxy_set_header", .httpScopes, .exactly(2), .custom(HTTPDirectives.proxySetHeader)),
        DirectiveSpec(
            "proxy_pass_request_headers", .httpScopes, .flag, .flag(\.httpScope.proxyPassRequestHeaders), default: "on"),
        DirectiveSpec(
            "proxy_pass_request_body", .httpScopes, .flag, .flag(\.httpScope.proxyPassRequestBody), default: "on"),
        DirectiveSpec("proxy_hide_header", .httpScopes, .exactly(1), .custom(HTTPDirectives.proxyHideHeader)),
        DirectiveSpec("proxy_pass_header", .httpScopes, .exactly(1), .custom(HTTPDirectives.proxyPassHeader)),
        DirectiveSpec("add_header", .httpScopes, .between(2, 3), .custom(HTTPDirectives.addHeader)),
        DirectiveSpec(
            "proxy_redirect", .httpScopes, .exactly(1), .custom(HTTPDirectives.proxyRedirect), default: "default"),
        DirectiveSpec("proxy_buffering", .httpScopes, .flag, .flag(\.httpScope.proxyBuffering), default: "on"),
        DirectiveSpec("proxy_buffers", .httpScopes, .exactly(2), .custom(AcceptedDirectives.buffers), default: "8 4k|8k"),
        DirectiveSpec("proxy_busy_buffers_size", .httpScopes, .exactly(1), .custom(AcceptedDirectives.size), default: "8k|16k"),
        DirectiveSpec("proxy_splice", .httpScopes, .flag, .flag(\.httpScope.proxySplice), default: "on"),
        DirectiveSpec(
            "proxy_connect_timeout", .httpScopes, .exactly(1), .time(\.httpScope.proxyConnectTimeout), default: "60s"),
        DirectiveSpec(
            "proxy_send_timeout", .httpScopes, .exactly(1), .time(\.httpScope.proxySendTimeout), default: "60s"),
        DirectiveSpec(
            "proxy_read_timeout", .httpScopes, .exactly(1), .time(\.httpScope.proxyReadTimeout), default: "60s"),
        DirectiveSpec(
            "proxy_next_upstream", .httpScopes, .atLeast(1), .custom(HTTPDirectives.proxyNextUpstream),
            default: "error timeout"),
        DirectiveSpec(
            "proxy_next_upstream_tries", .httpScopes, .exactly(1),
            .number(\.httpScope.proxyNextUpstreamTries, minimum: 0), default: "0"),
        DirectiveSpec(
            "proxy_next_upstream_timeout", .httpScopes, .exactly(1), .time(\.httpScope.proxyNextUpstreamTimeout),
            default: "0"),
        DirectiveSpec(
            "client_header_timeout", .httpServerScopes, .exactly(1), .time(\.httpScope.clientHeaderTimeout),
            default: "60s"),
        DirectiveSpec(
            "client_body_timeout", .httpScopes, .exactly(1), .time(\.httpScope.clientBodyTimeout), default: "60s"),
        DirectiveSpec(
            "keepalive_timeout", .httpScopes, .between(1, 2), .custom(HTTPDirectives.keepaliveTimeout), default: "75s"),
        DirectiveSpec(
            "keepalive_requests", .httpScopes, .exactly(1), .number(\.httpScope.keepaliveRequests, minimum: 0),
            default: "1000"),
        DirectiveSpec(
            "client_max_body_size", .httpScopes, .exactly(1), .size(\.httpScope.clientMaxBodySize), default: "1m"),
        DirectiveSpec(
            "large_client_header_buffers", .httpServerScopes, .exactly(2),
            .custom(HTTPDirectives.largeClientHeaderBuffers), default: "4 8k"),
        DirectiveSpec("root", .httpScopes, .exactly(1), .custom(HTTPDirectives.root), default: "html"),
        DirectiveSpec("alias", .httpLocation, .exactly(1), .custom(HTTPDirectives.alias)),
        DirectiveSpec("index", .httpScopes, .atLeast(1), .custom(HTTPDirectives.index), default: "index.html"),
        DirectiveSpec("internal", .httpLocation, .none, .custom(HTTPDirectives.internal)),
        DirectiveSpec("access_log", .httpScopes, .atLeast(1), .custom(HTTPDirectives.accessLog), default: "off"),
    ]

    /// Lines of `upstream {}` shared by both modules (their `server` rows are above).
    static let upstreamDirectives: [DirectiveSpec] = [
        DirectiveSpec("ip_hash", .upstreams, .none, .custom(UpstreamDirectives.ipHash)),
        DirectiveSpec("hash", .upstreams, .between(1, 2), .custom(UpstreamDirectives.hash)),
        DirectiveSpec("least_conn", .upstreams, .none, .custom(UpstreamDirectives.leastConn)),
        DirectiveSpec("random", .upstreams, .between(0, 2), .custom(UpstreamDirectives.random)),
        DirectiveSpec("zone", .upstreams, .between(1, 2), .custom(UpstreamDirectives.zone)),
        // nginx Plus writes it in the location (or stream server) that proxies to the group;
        // here it belongs to the group, so one prober serves every place that uses it.
        DirectiveSpec("health_check", .upstreams, .between(0, 8), .custom(UpstreamDirectives.healthCheck)),
        // nginx Plus has no stream `sticky`: there is no cookie to carry.
        DirectiveSpec("sticky", .httpUpstream, .atLeast(2), .custom(UpstreamDirectives.sticky)),
    ]

    static let byName: [String: [DirectiveSpec]] = Dictionary(grouping: specs, by: \.name)

    /// Every name a user may write, for "did you mean".
    static let knownNames: [String] = Array(Set(specs.map(\.name)).union([IncludeExpander.directiveName])).sorted()

    /// The row for `directive` in `context`, or nginx's error: unknown (with a suggestion when
    /// a known name is close) or not allowed here.
    static func spec(for directive: Directive, in context: DirectiveContext) throws(ConfigError) -> DirectiveSpec {
        guard let candidates = byName[directive.name] else {
            throw DirectiveErrors.unknown(
                directive, suggestion: Suggestion.closest(to: directive.name, among: knownNames))
        }
        guard let spec = candidates.first(where: { $0.contexts.contains(context) }) else {
            throw DirectiveErrors.notAllowedHere(directive)
        }
        return spec
    }
}
