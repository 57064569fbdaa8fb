// The `http {}` half of the snapshot: what Core needs to route a request, with every setting
// already merged (child, else parent, else nginx's default) so no lookup walks a parent chain
// per request, and every variable already compiled to a `VariableRef`.

public struct HTTPConfig: Sendable {
    /// `upstream {}` blocks of `http {}` in the order they were written (the same syntax as in
    /// `stream {}`).
    public var upstreams: [UpstreamConfig]
    /// `map {}` blocks in order; `VariableRef.map(i)` is `maps[i]`.
    public var maps: [MapConfig]
    /// `log_format`s, nginx's predefined `combined` first.
    public var logFormats: [LogFormatConfig]
    /// `server {}` blocks in order; `HTTPListenGroup.servers` and the matchers index this.
    public var servers: [HTTPServerConfig]
    /// One entry per distinct `listen` address, in the order first written.
    public var listenGroups: [HTTPListenGroup]
    /// The settings written directly in `http {}`, merged over the defaults.
    public var settings: HTTPSettings
    public var location: SourceLocation

    public init(
        upstreams: [UpstreamConfig] = [], maps: [MapConfig] = [], logFormats: [LogFormatConfig] = [],
        servers: [HTTPServerConfig] = [], listenGroups: [HTTPListenGroup] = [], settings: HTTPSettings = HTTPSettings(),
        location: SourceLocation
    ) {
        self.upstreams = upstreams
        self.maps = maps
        self.logFormats = logFormats
        self.servers = servers
        self.listenGroups = listenGroups
        self.settings = settings
        self.location = location
    }

    /// Upstream names compare case-insensitively, as in nginx.
    public func upstream(named name: String) -> UpstreamConfig? {
        upstreams.named(name)
    }

    public func logFormat(named name: String) -> LogFormatConfig? {
        logFormats.first { $0.name == name }
    }
}

/// Every server that listens on one address, and how a Host header picks among them.
/// Core binds one socket per group; a connection accepted on it is routed with `matcher`.
public struct HTTPListenGroup: Sendable {
    public var address: HostPort
    /// The `listen` line that carries the socket options (`reuseport`, `backlog=`), else the first.
    public var options: HTTPListenConfig
    /// Indexes into `HTTPConfig.servers`, in config order.
    public var servers: [Int]
    /// The `default_server` of this address, else its first server (nginx's rule).
    public var defaultServer: Int
    public var matcher: ServerNameMatcher

    public init(
        address: HostPort, options: HTTPListenConfig, servers: [Int], defaultServer: Int, matcher: ServerNameMatcher
    ) {
        self.address = address
        self.options = options
        self.servers = servers
        self.defaultServer = defaultServer
        self.matcher = matcher
    }
}

/// `listen ADDR [default_server] [reuseport] [backlog=N];` in an http server. A bare address
/// means port 80, as in nginx's http module.
public struct HTTPListenConfig: Sendable, Hashable {
    public var address: HostPort
    public var defaultServer: Bool
    public var reuseport: Bool
    /// nginx's Linux default is 511; the kernel caps it at `somaxconn`.
    public var backlog: Int
    /// True when `reuseport` or `backlog=` was written (nginx allows them once per address).
    public var hasSocketOptions: Bool
    public var location: SourceLocation

    public init(
        address: HostPort, defaultServer: Bool = false, reuseport: Bool = false, backlog: Int = 511,
        hasSocketOptions: Bool = false, location: SourceLocation
    ) {
        self.address = address
        self.defaultServer = defaultServer
        self.reuseport = reuseport
        self.backlog = backlog
        self.hasSocketOptions = hasSocketOptions
        self.location = location
    }
}

/// One `server_name` entry. `.example.org` is stored as two entries: `example.org` exact and
/// `*.example.org` leading wildcard, which is what nginx means by it.
public enum ServerName: Sendable, Hashable {
    /// Lowercased; `""` matches a request without a Host (nginx's default server_name).
    case exact(String)
    /// `*.example.org`, stored as its suffix `.example.org`.
    case leadingWildcard(suffix: String)
    /// `mail.*`, stored as its prefix `mail.`.
    case trailingWildcard(prefix: String)
    /// `~^www\d+\.example\.net$`, matched against the lowercased host.
    case regex(ConfigRegex)
}

public struct HTTPServerConfig: Sendable {
    /// Never empty: a server without `listen` gets `*:80`, as in nginx.
    public var listens: [HTTPListenConfig]
    /// Never empty: a server without `server_name` has the empty name, as in nginx.
    public var serverNames: [ServerName]
    /// Settings written in this server merged over those of `http {}`; they apply to a request
    /// that matches no location.
    public var settings: HTTPSettings
    /// `return` written at server level: it runs before any location is chosen (nginx's server
    /// rewrite phase).
    public var returnAction: ReturnAction?
    /// Every location of the server, flat, parents before children; tree shape in
    /// `LocationConfig.parent` and `.children`.
    public var locations: [LocationConfig]
    /// Built from `locations` by the initializer (regexes compiled once, at load).
    public var locationMatcher: LocationMatcher
    public var location: SourceLocation

    public init(
        listens: [HTTPListenConfig], serverNames: [ServerName] = [.exact("")], settings: HTTPSettings = HTTPSettings(),
        returnAction: ReturnAction? = nil, locations: [LocationConfig] = [], location: SourceLocation
    ) {
        self.listens = listens
        self.serverNames = serverNames
        self.settings = settings
        self.returnAction = returnAction
        self.locations = locations
        self.locationMatcher = LocationMatcher(locations: locations)
        self.location = location
    }
}

/// `location [=|~|~*|^~] URI { }`.
public enum LocationModifier: Sendable, Hashable {
    /// `location /uri`: the longest matching prefix, regexes still checked.
    case prefix
    /// `location = /uri`: only this URI; ends the search.
    case exact
    /// `location ^~ /uri`: a prefix that, when it is the longest, skips the regexes.
    case prefixNoRegex
    /// `location ~ re`
    case regex
    /// `location ~* re`
    case regexCaseInsensitive

    public var isRegex: Bool { self == .regex || self == .regexCaseInsensitive }
}

public struct LocationConfig: Sendable {
    public var modifier: LocationModifier
    /// The URI or the regular expression as written (without the modifier).
    public var pattern: String
    /// Compiled once at load for the regex modifiers.
    public var regex: ConfigRegex?
    /// Index of the enclosing location in `HTTPServerConfig.locations`; nil at server level.
    public var parent: Int?
    public var children: [Int]
    /// Settings of this location merged over its parent's (location or server).
    public var settings: HTTPSettings
    /// Not inherited by nested locations, as in nginx (the content handler is per location).
    public var proxyPass: ProxyPassConfig?
    /// Not inherited by nested locations (rewrite codes are per location in nginx).
    public var returnAction: ReturnAction?
    /// `websocket_echo;` (Switchyard's own): the location accepts WebSocket upgrades itself
    /// and echoes every message, a built-in upstream for demos, tests and benchmarks.
    public var websocketEcho: Bool
    public var location: SourceLocation

    public init(
        modifier: LocationModifier, pattern: String, regex: ConfigRegex? = nil, parent: Int? = nil,
        children: [Int] = [], settings: HTTPSettings = HTTPSettings(), proxyPass: ProxyPassConfig? = nil,
        returnAction: ReturnAction? = nil, websocketEcho: Bool = false, location: SourceLocation
    ) {
        self.websocketEcho = websocketEcho
        self.modifier = modifier
        self.pattern = pattern
        self.regex = regex
        self.parent = parent
        self.children = children
        self.settings = settings
        self.proxyPass = proxyPass
        self.returnAction = returnAction
        self.location = location
    }

    /// nginx's `auto_redirect`: a prefix or exact location ending in `/` handled by `proxy_pass`
    /// answers a request for the URI without the slash with a 301 to the URI with it.
    public var redirectsWithoutSlash: Bool {
        proxyPass != nil && !modifier.isRegex && pattern.hasSuffix("/")
    }
}

/// Where `proxy_pass` sends a request.
public enum HTTPUpstreamTarget: Sendable, Hashable {
    /// `proxy_pass http://NAME...` naming an `upstream` block of `http {}`.
    case upstream(String)
    /// `proxy_pass http://HOST[:PORT]...`; the port defaults to 80.
    case address(HostPort)
    /// `proxy_pass http://$name...`: the text after `http://`, evaluated per request to an
    /// upstream block's name or an `IP[:PORT]`, then an optional URI that replaces the request
    /// URI whole (nginx's rule for proxy_pass with variables).
    case variable(CompiledValue)
}

/// `proxy_pass http://TARGET[URI];`
public struct ProxyPassConfig: Sendable, Hashable {
    public var target: HTTPUpstreamTarget
    /// The URI part, nil when absent. nginx's rule, which Core applies: with a URI part, the
    /// part of the request URI matching the location prefix is replaced by it; without one, the
    /// request URI is passed as the client sent it.
    public var uri: String?
    /// The value of `$proxy_host`: the host as written in `proxy_pass`, with `:PORT` unless the
    /// port is 80.
    public var proxyHost: String
    /// The argument as written.
    public var text: String
    public var location: SourceLocation

    public init(target: HTTPUpstreamTarget, uri: String?, proxyHost: String, text: String, location: SourceLocation) {
        self.target = target
        self.uri = uri
        self.proxyHost = proxyHost
        self.text = text
        self.location = location
    }
}

/// `return CODE [TEXT|URL];` or `return URL;` (302).
public struct ReturnAction: Sendable, Hashable {
    public var code: Int
    /// For a redirect code, the `Location`; for any other code, the body. Nil when absent.
    public var text: CompiledValue?
    public var location: SourceLocation

    public init(code: Int, text: CompiledValue?, location: SourceLocation) {
        self.code = code
        self.text = text
        self.location = location
    }

    /// The codes whose text nginx sends as `Location` rather than as a body.
    public static let redirectCodes: Set<Int> = [301, 302, 303, 307, 308]

    public var isRedirect: Bool { Self.redirectCodes.contains(code) }
}

/// `proxy_set_header NAME VALUE;` or `add_header NAME VALUE [always];`.
public struct HeaderField: Sendable, Hashable {
    /// As written; compare case-insensitively.
    public var name: String
    public var value: CompiledValue
    /// `add_header ... always`: added to every response, not only 2xx/3xx.
    public var always: Bool

    public init(name: String, value: CompiledValue, always: Bool = false) {
        self.name = name
        self.value = value
        self.always = always
    }

    /// An empty literal value: for `proxy_set_header`, "do not send this header" (nginx's rule).
    public var removes: Bool { value.parts.isEmpty }
}

public enum HTTPVersion: Sendable, Hashable {
    case http1_0
    case http1_1
}

/// `proxy_redirect off | default;`.
public enum ProxyRedirect: Sendable, Hashable {
    case off
    /// Rewrite a `Location`/`Refresh` that starts with the proxy_pass URL to the location's URI.
    case `default`
}

/// `root PATH;` or `alias PATH;` (they exclude each other in one location).
public enum DocumentRoot: Sendable, Hashable {
    /// The file is root + URI. As written; nginx resolves a relative path against its prefix,
    /// Switchyard leaves that to Core.
    case root(CompiledValue)
    /// The file is alias + the URI after the location prefix.
    case alias(CompiledValue)
}

/// `proxy_next_upstream` in http: when a request may be passed to the next server.
public struct NextUpstreamConditions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let error = NextUpstreamConditions(rawValue: 1 << 0)
    public static let timeout = NextUpstreamConditions(rawValue: 1 << 1)
    public static let invalidHeader = NextUpstreamConditions(rawValue: 1 << 2)
    public static let http500 = NextUpstreamConditions(rawValue: 1 << 3)
    public static let http502 = NextUpstreamConditions(rawValue: 1 << 4)
    public static let http503 = NextUpstreamConditions(rawValue: 1 << 5)
    public static let http504 = NextUpstreamConditions(rawValue: 1 << 6)
    public static let http403 = NextUpstreamConditions(rawValue: 1 << 7)
    public static let http404 = NextUpstreamConditions(rawValue: 1 << 8)
    public static let http429 = NextUpstreamConditions(rawValue: 1 << 9)
    /// Also retry POST, LOCK, PATCH (nginx never retries them otherwise).
    public static let nonIdempotent = NextUpstreamConditions(rawValue: 1 << 10)

    /// The words of the directive; `off` is the empty set.
    static let byName: [String: NextUpstreamConditions] = [
        "error": .error, "timeout": .timeout, "invalid_header": .invalidHeader, "http_500": .http500,
        "http_502": .http502, "http_503": .http503, "http_504": .http504, "http_403": .http403,
        "http_404": .http404, "http_429": .http429, "non_idempotent": .nonIdempotent,
    ]
}

/// `large_client_header_buffers N SIZE;`
public struct HeaderBuffers: Sendable, Hashable {
    public var count: Int
    public var size: Int

    public init(count: Int, size: Int) {
        self.count = count
        self.size = size
    }
}

/// `keepalive_timeout T [HEADER_T];`
public struct KeepaliveTimeout: Sendable, Hashable {
    /// 0 disables client keep-alive.
    public var timeout: Duration
    /// Sent as `Keep-Alive: timeout=N` when set.
    public var headerTimeout: Duration?

    public init(timeout: Duration, headerTimeout: Duration? = nil) {
        self.timeout = timeout
        self.headerTimeout = headerTimeout
    }
}

public enum LogEscape: Sendable, Hashable {
    /// `"`, `\`, control bytes and bytes over 127 as `\xHH`.
    case `default`
    /// JSON string escaping.
    case json
    case none
}

/// `log_format NAME [escape=...] STRING ...;`, the strings joined and compiled.
public struct LogFormatConfig: Sendable, Hashable {
    public var name: String
    public var escape: LogEscape
    public var format: CompiledValue
    /// Nil for the predefined `combined`.
    public var location: SourceLocation?

    public init(name: String, escape: LogEscape = .default, format: CompiledValue, location: SourceLocation?) {
        self.name = name
        self.escape = escape
        self.format = format
        self.location = location
    }

    /// nginx's predefined format.
    static let combinedText =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\""
}

/// `access_log PATH [FORMAT [buffer=SIZE] [flush=TIME] [if=CONDITION]];`
public struct AccessLogConfig: Sendable, Hashable {
    /// A file path as written (`/dev/stderr` works); opened by Core.
    public var path: String
    public var format: LogFormatConfig
    /// nil: write each line at once.
    public var bufferSize: Int?
    public var flush: Duration?
    /// `if=`: log only when the value is neither empty nor "0".
    public var condition: CompiledValue?
    public var location: SourceLocation

    public init(
        path: String, format: LogFormatConfig, bufferSize: Int? = nil, flush: Duration? = nil,
        condition: CompiledValue? = nil, location: SourceLocation
    ) {
        self.path = path
        self.format = format
        self.bufferSize = bufferSize
        self.flush = flush
        self.condition = condition
        self.location = location
    }
}

/// The settings every level (`http`, `server`, `location`) may carry, merged: each field is the
/// value written at the nearest level, else nginx's default (Switchyard's where the notes say so).
public struct HTTPSettings: Sendable, Hashable {
    public var proxyHTTPVersion: HTTPVersion = .http1_0
    /// The configured list, inherited nginx's way: a level that writes any `proxy_set_header`
    /// replaces the whole inherited list. `proxyHeadersWithDefaults` adds nginx's defaults.
    public var proxySetHeaders: [HeaderField] = []
    public var proxyPassRequestHeaders = true
    public var proxyPassRequestBody = true
    /// Lowercased names; inherited like `proxySetHeaders`.
    public var proxyHideHeaders: [String] = []
    public var proxyPassHeaders: [String] = []
    public var addHeaders: [HeaderField] = []
    public var proxyRedirect: ProxyRedirect = .default
    /// Accepted and stored; the router always streams.
    public var proxyBuffering = true
    /// `proxy_splice on|off` (Switchyard's own): how an upgraded connection's tunnel moves bytes.
    public var proxySplice = true
    public var proxyConnectTimeout: Duration = .seconds(60)
    public var proxySendTimeout: Duration = .seconds(60)
    public var proxyReadTimeout: Duration = .seconds(60)
    public var clientHeaderTimeout: Duration = .seconds(60)
    public var clientBodyTimeout: Duration = .seconds(60)
    public var keepaliveTimeout = KeepaliveTimeout(timeout: .seconds(75))
    public var keepaliveRequests = 1000
    /// In bytes; 0 means no limit.
    public var clientMaxBodySize = 1 << 20
    public var largeClientHeaderBuffers = HeaderBuffers(count: 4, size: 8 << 10)
    public var root: DocumentRoot = .root(CompiledValue(literal: "html"))
    public var index: [CompiledValue] = [CompiledValue(literal: "index.html")]
    /// `internal`: only internal redirects may reach the location (so clients never do).
    public var isInternal = false
    /// Empty means no access log: Switchyard's default, where nginx writes
    /// `logs/access.log combined`.
    public var accessLogs: [AccessLogConfig] = []
    public var errorLog = ErrorLogConfig()
    public var proxyNextUpstream: NextUpstreamConditions = [.error, .timeout]
    /// 0 means no limit.
    public var proxyNextUpstreamTries = 0
    /// 0 means no limit.
    public var proxyNextUpstreamTimeout: Duration = .zero

    public init() {}

    /// nginx's defaults added to `proxySetHeaders` when no level named them: `Host $proxy_host`
    /// and `Connection close` (names compare case-insensitively). Entries that remove a header
    /// stay in the list so Core can skip the client's copy.
    public var proxyHeadersWithDefaults: [HeaderField] {
        var headers = proxySetHeaders
        let named = Set(headers.map { $0.name.lowercased() })
        if !named.contains("host") {
            headers.append(HeaderField(name: "Host", value: CompiledValue(parts: [.variable(.proxyHost)], source: "$proxy_host")))
        }
        if !named.contains("connection") {
            headers.append(HeaderField(name: "Connection", value: CompiledValue(literal: "close")))
        }
        return headers
    }
}
