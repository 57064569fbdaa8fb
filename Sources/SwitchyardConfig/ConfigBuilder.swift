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

    /// The `error_log` of the block being read: main, `stream {}` or the open `server {}`.
    var scopeErrorLog: ErrorLogConfig? {
        get {
            switch context {
            case .streamServer: stream.servers[openServer].errorLog
            case .stream: stream.errorLog
            default: errorLog
            }
        }
        set {
            switch context {
            case .streamServer: stream.servers[openServer].errorLog = newValue
            case .stream: stream.errorLog = newValue
            default: errorLog = newValue
            }
        }
    }

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
        return config
    }
}

/// `worker_processes N | auto`.
enum WorkerProcesses: Equatable {
    case auto
    case count(Int)
}
