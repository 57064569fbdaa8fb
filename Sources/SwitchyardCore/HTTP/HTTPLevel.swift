import SwitchyardConfig

/// One http server or location as a request uses it, boxed once at load. A request holds one
/// reference to it: reading its settings through the configuration's nested arrays copied
/// the large structs (and retained every list inside) several times per request.
final class HTTPLevel: Sendable {
    let settings: HTTPSettings
    let plan: ProxyHeaderPlan
    /// The server's first exact name, `$server_name`.
    let serverName: String
    /// The location's `return`, or at server level the server's.
    let returnAction: ReturnAction?
    let websocketEcho: Bool
    /// The server's location matcher at server level; an empty one for a location. Not an
    /// optional: reaching into an optional struct copies it, retaining all its tables.
    let locationMatcher: LocationMatcher
    /// Boxed: binding an optional struct copies it, retaining every string inside, and a
    /// request reads it three times.
    let proxyPass: ProxyPassBox?
    /// The upstream group a literal `proxy_pass` names, as an index into the worker's http
    /// groups of the same snapshot: found once here, not hashed per request.
    let upstreamGroup: Int?
    /// The location's pattern and whether it is a regex (for `alias`, proxy_pass URI
    /// replacement and `proxy_redirect default`); nil at server level.
    let pattern: String?
    let isRegex: Bool
    /// The level's timeouts in loop milliseconds: Duration's components cost a few hundred
    /// instructions per conversion, and a request needs several.
    let timeouts: Timeouts

    struct Timeouts: Sendable {
        let proxyRead: Int64
        let proxySend: Int64
        let proxyConnect: Int64
        let proxyNextUpstream: Int64
        let clientBody: Int64
        let keepalive: Int64

        init(_ settings: HTTPSettings) {
            proxyRead = settings.proxyReadTimeout.milliseconds
            proxySend = settings.proxySendTimeout.milliseconds
            proxyConnect = settings.proxyConnectTimeout.milliseconds
            proxyNextUpstream = settings.proxyNextUpstreamTimeout.milliseconds
            clientBody = settings.clientBodyTimeout.milliseconds
            keepalive = settings.keepaliveTimeout.timeout.milliseconds
        }
    }

    /// `proxy_redirect default`: the proxy_pass URL and what replaces it in a Location field;
    /// nil when the location has no URI in proxy_pass or is a regex.
    let defaultRedirect: (from: [UInt8], to: [UInt8])?

    init(server: HTTPServerConfig, location: LocationConfig?, targets: [HTTPUpstreamTarget: Int]) {
        settings = location?.settings ?? server.settings
        let literalHost: String?
        if let proxyPass = location?.proxyPass, case .variable = proxyPass.target {
            literalHost = nil
        } else {
            literalHost = location?.proxyPass?.proxyHost
        }
        plan = ProxyHeaderPlan(settings, proxyHost: literalHost)
        timeouts = Timeouts(settings)
        serverName = Self.primaryName(server)
        returnAction = location == nil ? server.returnAction : location?.returnAction
        locationMatcher = location == nil ? server.locationMatcher : LocationMatcher(locations: [])
        websocketEcho = location?.websocketEcho ?? false
        proxyPass = location?.proxyPass.map(ProxyPassBox.init)
        upstreamGroup = location?.proxyPass.flatMap { targets[$0.target] }
        pattern = location?.pattern
        isRegex = location?.modifier.isRegex ?? false
        if let location, !isRegex, let proxyPass = location.proxyPass, let uri = proxyPass.uri {
            defaultRedirect = (Array("http://\(proxyPass.proxyHost)\(uri)".utf8), Array(location.pattern.utf8))
        } else {
            defaultRedirect = nil
        }
    }

    final class ProxyPassBox: Sendable {
        let config: ProxyPassConfig
        init(_ config: ProxyPassConfig) { self.config = config }
    }

    /// Each server's level first, then one per location in the server's order.
    static func levels(for http: HTTPConfig?, targets: [HTTPUpstreamTarget: Int]) -> [[HTTPLevel]] {
        (http?.servers ?? []).map { server in
            [HTTPLevel(server: server, location: nil, targets: targets)]
                + server.locations.map { HTTPLevel(server: server, location: $0, targets: targets) }
        }
    }

    private static func primaryName(_ server: HTTPServerConfig) -> String {
        for name in server.serverNames {
            if case .exact(let text) = name { return text }
        }
        return ""
    }
}
