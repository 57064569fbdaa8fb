/// The configuration while it is being read. Every setting is optional, meaning "not written
/// yet", so a setter can refuse a duplicate and `build` can tell an explicit value from a
/// default. The directive table's key paths point here.
struct ConfigBuilder {
    /// The block being read; the interpreter moves it as it enters and leaves blocks, and the
    /// scope properties below follow it.
    var context: DirectiveContext = .main

    var workerProcesses: WorkerProcesses?
    var workerRlimitNofile: Int?
    var errorLog: ErrorLogConfig?
    var pidPath: String?
    var workerShutdownTimeout: Duration?

    /// Where `events {}` was written; nil until then.
    var eventsLocation: SourceLocation?
    var workerConnections: Int?
    var multiAccept: Bool?
    var eventMethod: String?

    var stream = StreamDraft()
    var http = HTTPDraft()

    /// The proxy settings of the block being read: the open `server {}`, else `stream {}`.
    /// The table allows the directives that use this only in those two contexts.
    var scopeProxy: StreamProxySettings {
        get { context == .streamServer ? stream.servers[openServer].proxy : stream.proxy }
        set {
            if context == .streamServer {
                stream.servers[openServer].proxy = newValue
            } else {
                stream.proxy = newValue
            }
        }
    }

    /// The `error_log` of the block being read: main, `stream {}`, a stream `server {}`, or
    /// any http level.
    var scopeErrorLog: ErrorLogConfig? {
        get {
            switch context {
            case .streamServer: stream.servers[openServer].errorLog
            case .stream: stream.errorLog
            case .http, .httpServer, .httpLocation: httpScope.errorLog
            default: errorLog
            }
        }
        set {
            switch context {
            case .streamServer: stream.servers[openServer].errorLog = newValue
            case .stream: stream.errorLog = newValue
            case .http, .httpServer, .httpLocation: httpScope.errorLog = newValue
            default: errorLog = newValue
            }
        }
    }

    /// The http settings of the block being read: the innermost open `location {}`, else the
    /// open `server {}`, else `http {}`. The table allows the directives that use this only in
    /// those contexts.
    var httpScope: HTTPSettingsDraft {
        get {
            switch context {
            case .httpLocation: http.servers[openHTTPServer].locations[openLocation].settings
            case .httpServer: http.servers[openHTTPServer].settings
            default: http.settings
            }
        }
        set {
            switch context {
            case .httpLocation: http.servers[openHTTPServer].locations[openLocation].settings = newValue
            case .httpServer: http.servers[openHTTPServer].settings = newValue
            default: http.settings = newValue
            }
        }
    }

    /// The `return` of the open location or server (the only two blocks that allow it).
    var scopeReturn: PendingReturn? {
        get {
            context == .httpLocation
                ? http.servers[openHTTPServer].locations[openLocation].returnAction
                : http.servers[openHTTPServer].returnAction
        }
        set {
            if context == .httpLocation {
                http.servers[openHTTPServer].locations[openLocation].returnAction = newValue
            } else {
                http.servers[openHTTPServer].returnAction = newValue
            }
        }
    }

    /// Inside an http `server {}` the server being read is the last one opened.
    var openHTTPServer: Int { http.servers.count - 1 }
    /// Inside `location {}`, the innermost open location of that server.
    var openLocation: Int { http.openLocations[http.openLocations.count - 1] }

    /// Inside `server {}` the server being read is the last one opened.
    private var openServer: Int { stream.servers.count - 1 }

    /// The snapshot: explicit values, else the defaults `Configuration` declares (nginx's).
    func build(file: String) throws(ConfigError) -> Configuration {
        var config = Configuration(file: file)
        if case .count(let count) = workerProcesses { config.workerProcesses = count }
        config.workerRlimitNofile = workerRlimitNofile
        if let errorLog { config.errorLog = errorLog }
        config.pidPath = pidPath
        if let workerShutdownTimeout { config.workerShutdownTimeout = workerShutdownTimeout }
        if let workerConnections { config.workerConnections = workerConnections }
        if let multiAccept { config.multiAccept = multiAccept }
        if stream.location != nil {
            config.stream = try stream.finished(mainErrorLog: config.errorLog)
        }
        if http.location != nil {
            config.http = try http.finished(mainErrorLog: config.errorLog)
        }
        return config
    }
}

/// `worker_processes N | auto`.
enum WorkerProcesses: Equatable {
    case auto
    case count(Int)
}
