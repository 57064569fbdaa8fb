/// `stream {}` while it is being read.
struct StreamDraft {
    /// Where `stream {}` was written; nil when the configuration has none.
    var location: SourceLocation?
    /// Settings written directly in `stream {}`, inherited by servers.
    var proxy = StreamProxySettings()
    var errorLog: ErrorLogConfig?
    /// Complete as soon as each `upstream {}` closes; a `proxy_pass` may name one declared later.
    var upstreams: [UpstreamConfig] = []
    var maps: [MapDraft] = []
    var servers: [StreamServerDraft] = []
    /// Every `listen` address so far, to refuse the same one twice across servers.
    var listenAddresses: Set<HostPort> = []

    /// Upstream names compare case-insensitively, as in nginx.
    func upstream(named name: String) -> UpstreamConfig? {
        upstreams.named(name)
    }

    /// Resolves each `proxy_pass` now that every upstream and map is known, and merges each
    /// server's settings with the ones written in `stream {}`.
    func finished(mainErrorLog: ErrorLogConfig) throws(ConfigError) -> StreamConfig {
        let resolver = makeResolver()
        var compiledMaps: [MapConfig] = []
        for draft in maps {
            compiledMaps.append(try draft.compiled(by: resolver))
        }
        try MapDraft.checkCycles(compiledMaps)

        var finishedServers: [StreamServerConfig] = []
        for draft in servers {
            guard let pending = draft.handler else { throw StreamServerDraft.noHandler(at: draft.location) }
            let defaults = StreamServerConfig(
                listens: draft.listens, handler: try resolve(pending, with: resolver), location: draft.location)
            var server = draft.proxy.merged(with: proxy, over: defaults)
            server.errorLog = draft.errorLog ?? errorLog ?? mainErrorLog
            finishedServers.append(server)
        }
        return StreamConfig(
            upstreams: try UpstreamBlocks.compiled(upstreams, by: resolver), maps: compiledMaps, servers: finishedServers)
    }

    private func makeResolver() -> VariableResolver {
        var resolver = VariableResolver(scope: .stream)
        for (index, map) in maps.enumerated() {
            resolver.maps[map.name] = index
        }
        for regex in maps.flatMap(\.regexes) {
            resolver.namedCaptures.formUnion(regex.captureNames)
        }
        return resolver
    }

    /// `proxy_pass NAME` names an upstream block if one has that name; otherwise it must be an
    /// address with a port, and a bare name is nginx's `no port in upstream "NAME"`.
    private func resolve(_ pending: PendingHandler, with resolver: VariableResolver) throws(ConfigError) -> StreamHandler {
        switch pending {
        case .echo:
            return .echo
        case .variable(let value):
            return .variable(try resolver.compile(value))
        case .proxyPass(let target):
            if let upstream = upstream(named: target.text) { return .upstream(upstream.name) }
            switch AddressSyntax.parse(target.text, role: .upstream) {
            case .success(let address):
                return .address(address)
            case .failure(let problem):
                throw ConfigError("\(problem.reason) in upstream \"\(target.text)\"", at: target.location)
            }
        }
    }
}

/// `server {}` in `stream {}` while it is being read.
struct StreamServerDraft {
    var location: SourceLocation
    var listens: [ListenConfig] = []
    var handler: PendingHandler?
    var proxy = StreamProxySettings()
    var errorLog: ErrorLogConfig?

    static func noHandler(at location: SourceLocation) -> ConfigError {
        ConfigError("no \"proxy_pass\" or \"echo\" is defined for server", at: location)
    }
}

/// A server's handler before upstream names can be told from addresses.
enum PendingHandler {
    case proxyPass(Argument)
    /// `proxy_pass` with variables.
    case variable(PendingValue)
    case echo

    var directiveName: String {
        switch self {
        case .proxyPass, .variable: "proxy_pass"
        case .echo: "echo"
        }
    }
}
