/// `http {}` while it is being read. Values with variables stay `PendingValue`s until the block
/// is complete, because a `map` or a named regex group may define a variable after its use.
struct HTTPDraft {
    /// Where `http {}` was written; nil when the configuration has none.
    var location: SourceLocation?
    var settings = HTTPSettingsDraft()
    var upstreams: [UpstreamConfig] = []
    var maps: [MapDraft] = []
    /// User formats in order; `combined` is predefined and not listed here.
    var logFormats: [LogFormatDraft] = []
    var servers: [HTTPServerDraft] = []
    /// The open locations of the last server, outermost first (indexes into its `locations`).
    var openLocations: [Int] = []
    /// The `default_server` of each address so far, to refuse a second one.
    var defaultServers: [HostPort: SourceLocation] = [:]
    /// Addresses whose socket options (`reuseport`, `backlog=`) were set, to refuse a second set.
    var addressesWithOptions: Set<HostPort> = []

    /// Upstream names compare case-insensitively, as in nginx.
    func upstream(named name: String) -> UpstreamConfig? {
        upstreams.named(name)
    }

    func hasLogFormat(named name: String) -> Bool {
        name == "combined" || logFormats.contains { $0.name == name }
    }

    /// Compiles every value now that all variables are known, merges every level over its
    /// parent (http over the defaults, server over http, location over its parent), resolves
    /// each `proxy_pass`, and groups servers by listen address.
    func finished(mainErrorLog: ErrorLogConfig) throws(ConfigError) -> HTTPConfig {
        let resolver = try makeResolver()
        let httpLocation = location ?? SourceLocation(file: "", line: 0)

        var formats = [
            LogFormatConfig(
                name: "combined",
                format: try resolver.compile(PendingValue(text: LogFormatConfig.combinedText, location: httpLocation)),
                location: nil)
        ]
        for draft in logFormats {
            formats.append(
                LogFormatConfig(
                    name: draft.name, escape: draft.escape, format: try resolver.compile(joining: draft.format),
                    location: draft.location))
        }
        let context = MergeContext(
            resolver: resolver, logFormats: Dictionary(formats.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }))

        var compiledMaps: [MapConfig] = []
        for draft in maps {
            compiledMaps.append(try draft.compiled(by: resolver))
        }
        try MapDraft.checkCycles(compiledMaps)

        var defaults = HTTPSettings()
        defaults.errorLog = mainErrorLog
        let httpSettings = try settings.merged(over: defaults, with: context)

        var finishedServers: [HTTPServerConfig] = []
        for draft in servers {
            finishedServers.append(try draft.finished(over: httpSettings, with: context, upstreams: self))
        }
        return HTTPConfig(
            upstreams: try UpstreamBlocks.compiled(upstreams, by: resolver), maps: compiledMaps, logFormats: formats, servers: finishedServers,
            listenGroups: Self.listenGroups(of: finishedServers), settings: httpSettings, location: httpLocation)
    }

    /// Map names, and the names of every named group of every regex of `http {}`.
    private func makeResolver() throws(ConfigError) -> VariableResolver {
        var resolver = VariableResolver()
        for (index, map) in maps.enumerated() {
            resolver.maps[map.name] = index
        }
        var regexes: [ConfigRegex] = maps.flatMap(\.regexes)
        for server in servers {
            for case .regex(let regex) in server.names { regexes.append(regex) }
            regexes += server.locations.compactMap(\.regex)
        }
        for regex in regexes {
            resolver.namedCaptures.formUnion(regex.captureNames)
        }
        return resolver
    }

    /// One group per address in the order first written; the default server is the one
    /// marked `default_server`, else the first (nginx's rule).
    static func listenGroups(of servers: [HTTPServerConfig]) -> [HTTPListenGroup] {
        var order: [HostPort] = []
        var members: [HostPort: [(server: Int, listen: HTTPListenConfig)]] = [:]
        for (index, server) in servers.enumerated() {
            for listen in server.listens {
                if members[listen.address] == nil { order.append(listen.address) }
                members[listen.address, default: []].append((index, listen))
            }
        }
        return order.map { address in
            let entries = members[address]!
            let defaultServer = entries.first { $0.listen.defaultServer }?.server ?? entries[0].server
            let options = entries.first { $0.listen.hasSocketOptions }?.listen ?? entries[0].listen
            let indexes = entries.map(\.server)
            let matcher = ServerNameMatcher(
                servers: indexes.map { (index: $0, names: servers[$0].serverNames) }, defaultServer: defaultServer)
            return HTTPListenGroup(
                address: address, options: options, servers: indexes, defaultServer: defaultServer, matcher: matcher)
        }
    }
}

/// `server {}` in `http {}` while it is being read.
struct HTTPServerDraft {
    var location: SourceLocation
    var listens: [HTTPListenConfig] = []
    var names: [ServerName] = []
    var settings = HTTPSettingsDraft()
    var returnAction: PendingReturn?
    /// Flat, parents before children.
    var locations: [LocationDraft] = []

    /// nginx listens on `*:80` when a server has no `listen` (`*:8000` when not run as root).
    static let defaultListen = HostPort(host: AddressSyntax.wildcardHost, port: 80)

    func finished(
        over http: HTTPSettings, with context: MergeContext, upstreams: HTTPDraft
    ) throws(ConfigError) -> HTTPServerConfig {
        let serverSettings = try settings.merged(over: http, with: context)
        var finishedLocations: [LocationConfig] = []
        for draft in locations {
            if let echo = draft.websocketEcho, draft.proxyPass != nil {
                throw ConfigError("\"websocket_echo\" cannot be combined with \"proxy_pass\" in one location", at: echo)
            }
            let parentSettings = draft.parent.map { finishedLocations[$0].settings } ?? serverSettings
            finishedLocations.append(
                LocationConfig(
                    modifier: draft.modifier, pattern: draft.pattern, regex: draft.regex, parent: draft.parent,
                    children: draft.children, settings: try draft.settings.merged(over: parentSettings, with: context),
                    proxyPass: try draft.proxyPass.map { pass throws(ConfigError) in try pass.resolved(in: upstreams, resolver: context.resolver) },
                    returnAction: try draft.returnAction.map { action throws(ConfigError) in
                        try action.compiled(by: context.resolver)
                    },
                    websocketEcho: draft.websocketEcho != nil,
                    location: draft.location))
        }
        return HTTPServerConfig(
            listens: listens.isEmpty ? [HTTPListenConfig(address: Self.defaultListen, location: location)] : listens,
            serverNames: names.isEmpty ? [.exact("")] : names, settings: serverSettings,
            returnAction: try returnAction.map { action throws(ConfigError) in try action.compiled(by: context.resolver) },
            locations: finishedLocations, location: location)
    }
}

/// `location {}` while it is being read.
struct LocationDraft {
    var modifier: LocationModifier
    var pattern: String
    var regex: ConfigRegex?
    var parent: Int?
    var children: [Int] = []
    var settings = HTTPSettingsDraft()
    var proxyPass: PendingProxyPass?
    var returnAction: PendingReturn?
    /// Where `websocket_echo` was written, if it was.
    var websocketEcho: SourceLocation?
    var location: SourceLocation
}

/// `return` before its text is compiled.
struct PendingReturn {
    var code: Int
    var text: PendingValue?
    var location: SourceLocation

    func compiled(by resolver: VariableResolver) throws(ConfigError) -> ReturnAction {
        ReturnAction(
            code: code, text: try text.map { value throws(ConfigError) in try resolver.compile(value) },
            location: location)
    }
}

/// `proxy_pass http://HOST[:PORT][URI]` split at read time; whether HOST names an upstream is
/// decided when `http {}` is complete, since the upstream may be declared after the location.
struct PendingProxyPass {
    /// Between `http://` and the URI part.
    var host: String
    var uri: String?
    var text: String
    var location: SourceLocation
    /// What follows `http://` when it holds variables.
    var variable: PendingValue? = nil

    static let defaultPort = 80

    func resolved(in http: HTTPDraft, resolver: VariableResolver) throws(ConfigError) -> ProxyPassConfig {
        if let variable {
            return ProxyPassConfig(
                target: .variable(try resolver.compile(variable)), uri: nil, proxyHost: "", text: text, location: location)
        }
        func failure(_ problem: AddressSyntax.Problem) -> ConfigError {
            ConfigError("\(problem.reason) in upstream \"\(host)\"", at: location)
        }
        switch AddressSyntax.parse(host, role: .upstream) {
        case .success(let address):
            if http.upstream(named: address.host) != nil {
                throw ConfigError("upstream \"\(address.host)\" may not have port \(address.port)", at: location)
            }
            let proxyHost = address.port == Self.defaultPort ? String(host.dropLast(":80".count)) : host
            return ProxyPassConfig(
                target: .address(address), uri: uri, proxyHost: proxyHost, text: text, location: location)
        case .failure(.noPort):
            if let upstream = http.upstream(named: host) {
                return ProxyPassConfig(
                    target: .upstream(upstream.name), uri: uri, proxyHost: host, text: text, location: location)
            }
            switch AddressSyntax.parse("\(host):\(Self.defaultPort)", role: .upstream) {
            case .success(let address):
                return ProxyPassConfig(
                    target: .address(address), uri: uri, proxyHost: host, text: text, location: location)
            case .failure(let problem):
                throw failure(problem)
            }
        case .failure(let problem):
            throw failure(problem)
        }
    }
}

/// `log_format` before its strings are compiled.
struct LogFormatDraft {
    var name: String
    var escape: LogEscape
    /// The strings, each compiled on its own and joined.
    var format: [PendingValue]
    var location: SourceLocation
}
