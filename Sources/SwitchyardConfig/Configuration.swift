// The validated, immutable configuration snapshot. Built once per load or reload and shared
// read-only across worker threads; a session keeps the snapshot it started with.

/// Where a directive was written, for error messages in nginx's `in FILE:LINE` form.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// A host and port as written in `listen`, `server` or `proxy_pass` (`127.0.0.1:80`,
/// `[::1]:80`, `localhost:80`, `*:80`, `80`). Resolution to socket addresses happens in Core.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, notice, warn, error, crit, alert, emerg

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warn: "warn"
        case .error: "error"
        case .crit: "crit"
        case .alert: "alert"
        case .emerg: "emerg"
        }
    }
}

/// `error_log PATH [LEVEL]`; the path `stderr` writes to file descriptor 2.
public struct ErrorLogConfig: Sendable, Hashable {
    public var path: String
    public var level: LogLevel

    public init(path: String = "stderr", level: LogLevel = .error) {
        self.path = path
        self.level = level
    }
}

public struct Configuration: Sendable {
    /// The main file, as given on the command line.
    public var file: String
    /// `worker_processes N | auto`; nil means auto (one loop thread per core).
    public var workerProcesses: Int?
    /// `worker_rlimit_nofile N`; nil raises the soft limit to the hard limit.
    public var workerRlimitNofile: Int?
    public var errorLog: ErrorLogConfig
    /// `pid PATH`; nil writes no pid file (and `-s` has nothing to signal).
    public var pidPath: String?
    /// `events { worker_connections N; }`, default 512 as in nginx.
    public var workerConnections: Int
    /// The `stream {}` block, if any.
    public var stream: StreamConfig?
    /// The `http {}` block, if any.
    public var http: HTTPConfig? = nil
    /// `events { multi_accept on; }`: accept every pending connection per readiness event
    /// instead of one. Off by default, as in nginx.
    public var multiAccept: Bool
    /// `worker_shutdown_timeout T`: how long a graceful stop (SIGQUIT) waits for open
    /// connections before closing them. nginx waits forever unless it is set; Switchyard's
    /// default is 30 s, so `-s quit` always ends.
    public var workerShutdownTimeout: Duration = .seconds(30)

    public init(
        file: String, workerProcesses: Int? = nil, workerRlimitNofile: Int? = nil,
        errorLog: ErrorLogConfig = ErrorLogConfig(), pidPath: String? = nil,
        workerConnections: Int = 512, stream: StreamConfig? = nil, multiAccept: Bool = false
    ) {
        self.file = file
        self.workerProcesses = workerProcesses
        self.workerRlimitNofile = workerRlimitNofile
        self.errorLog = errorLog
        self.pidPath = pidPath
        self.workerConnections = workerConnections
        self.stream = stream
        self.multiAccept = multiAccept
    }
}

public struct StreamConfig: Sendable {
    /// Upstream blocks in the order they were written.
    public var upstreams: [UpstreamConfig]
    /// `map` blocks of `stream {}`; `VariableRef.map(i)` in a stream value is `maps[i]`.
    public var maps: [MapConfig]
    public var servers: [StreamServerConfig]

    public init(upstreams: [UpstreamConfig] = [], maps: [MapConfig] = [], servers: [StreamServerConfig] = []) {
        self.upstreams = upstreams
        self.maps = maps
        self.servers = servers
    }

    public func upstream(named name: String) -> UpstreamConfig? {
        upstreams.first { $0.name == name }
    }
}

public struct UpstreamConfig: Sendable {
    public var name: String
    public var servers: [UpstreamServerConfig]
    public var location: SourceLocation
    public var method: BalancerMethod = .roundRobin
    /// Where the method directive was written; nil for the default round robin.
    public var methodLocation: SourceLocation?
    /// `hash KEY` before the variables of its block are known (compiled when the block ends).
    var pendingHashKey: PendingValue?
    /// `sticky cookie ...` (http upstreams only).
    public var sticky: StickyCookieConfig?
    /// `zone NAME [SIZE];` as written. It changes nothing: the worker threads of one process
    /// already share the upstream state that needs sharing (active connection counts).
    public var zone: String?
    /// `keepalive N` (http upstreams): nil keeps no idle connections.
    public var keepalive: UpstreamKeepaliveConfig?
    /// The `keepalive*` lines as written so far.
    var keepaliveDraft = UpstreamKeepaliveDraft()
    /// `health_check ...`: active probes of every server, shared by all workers; nil probes none.
    public var healthCheck: HealthCheckConfig?

    public init(name: String, servers: [UpstreamServerConfig] = [], location: SourceLocation) {
        self.name = name
        self.servers = servers
        self.location = location
    }
}

/// `server ADDR [weight=N] [max_conns=N] [max_fails=N] [fail_timeout=T] [backup] [down];` in
/// an upstream.
public struct UpstreamServerConfig: Sendable, Hashable {
    public var address: HostPort
    public var weight: Int
    /// The most connections open to this server at once, across every worker thread; 0 means
    /// no limit, as in nginx.
    public var maxConns: Int = 0
    /// 0 disables failure accounting (the server is never marked unavailable), as in nginx.
    public var maxFails: Int
    public var failTimeout: Duration
    public var backup: Bool
    public var down: Bool
    public var location: SourceLocation

    public init(
        address: HostPort, weight: Int = 1, maxFails: Int = 1, failTimeout: Duration = .seconds(10),
        backup: Bool = false, down: Bool = false, location: SourceLocation
    ) {
        self.address = address
        self.weight = weight
        self.maxFails = maxFails
        self.failTimeout = failTimeout
        self.backup = backup
        self.down = down
        self.location = location
    }
}

/// `listen ADDR [reuseport] [backlog=N];`
public struct ListenConfig: Sendable, Hashable {
    public var address: HostPort
    public var reuseport: Bool
    /// nginx's Linux default is 511; the kernel caps it at `somaxconn`.
    public var backlog: Int
    public var location: SourceLocation

    public init(address: HostPort, reuseport: Bool = false, backlog: Int = 511, location: SourceLocation) {
        self.address = address
        self.reuseport = reuseport
        self.backlog = backlog
        self.location = location
    }
}

/// Where a stream server sends its connections.
public enum StreamHandler: Sendable, Hashable {
    /// `proxy_pass NAME` naming an `upstream` block.
    case upstream(String)
    /// `proxy_pass ADDR` with a literal address (an implicit one-server upstream).
    case address(HostPort)
    /// `echo;`: the built-in demo upstream that sends every byte back.
    case echo
    /// `proxy_pass $name;`: evaluated per connection to an upstream block's name or an
    /// `IP:port` address (nginx's stream proxy with variables).
    case variable(CompiledValue)
}

public struct StreamServerConfig: Sendable {
    public var listens: [ListenConfig]
    public var handler: StreamHandler
    public var proxyConnectTimeout: Duration
    public var proxyTimeout: Duration
    public var proxyNextUpstream: Bool
    /// 0 means no limit, as in nginx.
    public var proxyNextUpstreamTries: Int
    /// 0 means no limit, as in nginx.
    public var proxyNextUpstreamTimeout: Duration
    public var proxyHalfClose: Bool
    /// `proxy_splice on|off` (Switchyard's own): on moves payload with splice(2) and never
    /// through user space; off copies through a ring buffer (what inspection needs).
    public var proxySplice: Bool = true
    /// Whether `preread_timeout` was written (here or in `stream {}`). A hybrid port waits
    /// for a silent client only 1 s unless told otherwise: nginx's 30 s default suits
    /// `ssl_preread`, not deciding that a client speaks second.
    public var prereadTimeoutIsExplicit: Bool = false
    public var prereadTimeout: Duration
    public var prereadBufferSize: Int
    /// `ssl_preread on`: read the client's TLS ClientHello (without consuming it) before
    /// choosing the upstream, for the `$ssl_preread_*` variables.
    public var sslPreread: Bool = false
    public var location: SourceLocation
    /// `error_log` of this server, else of `stream {}`, else the main one (nginx's merge).
    public var errorLog: ErrorLogConfig

    public init(
        listens: [ListenConfig], handler: StreamHandler,
        proxyConnectTimeout: Duration = .seconds(60), proxyTimeout: Duration = .seconds(600),
        proxyNextUpstream: Bool = true, proxyNextUpstreamTries: Int = 0,
        proxyNextUpstreamTimeout: Duration = .zero, proxyHalfClose: Bool = false,
        prereadTimeout: Duration = .seconds(30), prereadBufferSize: Int = 16384,
        location: SourceLocation, errorLog: ErrorLogConfig = ErrorLogConfig()
    ) {
        self.listens = listens
        self.handler = handler
        self.proxyConnectTimeout = proxyConnectTimeout
        self.proxyTimeout = proxyTimeout
        self.proxyNextUpstream = proxyNextUpstream
        self.proxyNextUpstreamTries = proxyNextUpstreamTries
        self.proxyNextUpstreamTimeout = proxyNextUpstreamTimeout
        self.proxyHalfClose = proxyHalfClose
        self.prereadTimeout = prereadTimeout
        self.prereadBufferSize = prereadBufferSize
        self.location = location
        self.errorLog = errorLog
    }
}
