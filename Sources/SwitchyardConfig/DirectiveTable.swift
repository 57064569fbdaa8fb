/// Every directive Switchyard understands, each declared once: name, where it may appear, how
/// many arguments it takes, and what it sets. nginx's `ngx_command_t` arrays, as data.
/// `include` is not here: the parser expands it before directives are interpreted.
enum DirectiveTable {
    static let specs: [DirectiveSpec] = mainDirectives + eventsDirectives + streamDirectives

    static let mainDirectives: [DirectiveSpec] = [
        DirectiveSpec("worker_processes", .main, .exactly(1), .custom(MainDirectives.workerProcesses)),
        DirectiveSpec("worker_rlimit_nofile", .main, .exactly(1), .number(\.workerRlimitNofile, minimum: 1)),
        DirectiveSpec(
            "error_log", [.main, .stream, .streamServer], .between(1, 2), .custom(MainDirectives.errorLog)),
        DirectiveSpec("pid", .main, .exactly(1), .string(\.pidPath)),
        DirectiveSpec("worker_shutdown_timeout", .main, .exactly(1), .time(\.workerShutdownTimeout)),
        DirectiveSpec(
            "events", .main, .none,
            .block(.events, open: MainDirectives.openEvents, close: MainDirectives.closeEvents)),
        DirectiveSpec(
            "stream", .main, .none,
            .block(.stream, open: StreamDirectives.openStream, close: StreamDirectives.closeStream)),
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
        DirectiveSpec("server", .streamUpstream, .atLeast(1), .custom(StreamDirectives.upstreamServer)),
        DirectiveSpec(
            "server", .stream, .none,
            .block(.streamServer, open: StreamDirectives.openServer, close: StreamDirectives.closeServer)),
        DirectiveSpec("listen", .streamServer, .atLeast(1), .custom(StreamDirectives.listen)),
        DirectiveSpec("proxy_pass", .streamServer, .exactly(1), .custom(StreamDirectives.proxyPass)),
        DirectiveSpec("echo", .streamServer, .none, .custom(StreamDirectives.echo)),

        // Written in `stream {}`, these are inherited by every server that does not set them.
        DirectiveSpec("proxy_connect_timeout", .streamScopes, .exactly(1), .time(\.scopeProxy.connectTimeout)),
        DirectiveSpec("proxy_timeout", .streamScopes, .exactly(1), .time(\.scopeProxy.timeout)),
        DirectiveSpec("proxy_next_upstream", .streamScopes, .flag, .flag(\.scopeProxy.nextUpstream)),
        DirectiveSpec(
            "proxy_next_upstream_tries", .streamScopes, .exactly(1),
            .number(\.scopeProxy.nextUpstreamTries, minimum: 0)),
        DirectiveSpec(
            "proxy_next_upstream_timeout", .streamScopes, .exactly(1), .time(\.scopeProxy.nextUpstreamTimeout)),
        DirectiveSpec("proxy_half_close", .streamScopes, .flag, .flag(\.scopeProxy.halfClose)),
        DirectiveSpec("preread_timeout", .streamScopes, .exactly(1), .time(\.scopeProxy.prereadTimeout)),
        DirectiveSpec("preread_buffer_size", .streamScopes, .exactly(1), .size(\.scopeProxy.prereadBufferSize)),
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
