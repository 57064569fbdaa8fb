/// The settings written in one `http {}`, `server {}` or `location {}` block. Nil means "not
/// written in this block", which lets a setter refuse a duplicate and the merge tell an
/// inherited value from an explicit one. A list (`proxy_set_header`, `add_header`, ...) is nil
/// until the block writes one entry; from then on it replaces the inherited list, which is
/// nginx's rule for every array directive.
struct HTTPSettingsDraft {
    var proxyHTTPVersion: HTTPVersion?
    var proxySetHeaders: [PendingHeader]?
    var proxyPassRequestHeaders: Bool?
    var proxyPassRequestBody: Bool?
    var proxyHideHeaders: [String]?
    var proxyPassHeaders: [String]?
    var addHeaders: [PendingHeader]?
    var proxyRedirect: ProxyRedirect?
    var proxyBuffering: Bool?
    var proxySplice: Bool?
    var proxyConnectTimeout: Duration?
    var proxySendTimeout: Duration?
    var proxyReadTimeout: Duration?
    var clientHeaderTimeout: Duration?
    var clientBodyTimeout: Duration?
    var keepaliveTimeout: KeepaliveTimeout?
    var keepaliveRequests: Int?
    var clientMaxBodySize: Int?
    var largeClientHeaderBuffers: HeaderBuffers?
    var root: PendingRoot?
    var index: [PendingValue]?
    var isInternal: Bool?
    /// `[]` after `access_log off`.
    var accessLogs: [PendingAccessLog]?
    var accessLogOff = false
    var errorLog: ErrorLogConfig?
    var proxyNextUpstream: NextUpstreamConditions?
    var proxyNextUpstreamTries: Int?
    var proxyNextUpstreamTimeout: Duration?

    /// nginx's merge step (`ngx_conf_merge_*_value(conf, prev, default)`) for every field: the
    /// value written in this block, else the parent's, which already carries the default when
    /// no level wrote one. Compiles this block's own values on the way.
    func merged(over parent: HTTPSettings, with context: MergeContext) throws(ConfigError) -> HTTPSettings {
        var settings = parent
        func inherit<Value>(_ own: KeyPath<HTTPSettingsDraft, Value?>, _ field: WritableKeyPath<HTTPSettings, Value>) {
            if let value = self[keyPath: own] { settings[keyPath: field] = value }
        }
        inherit(\.proxyHTTPVersion, \.proxyHTTPVersion)
        inherit(\.proxyPassRequestHeaders, \.proxyPassRequestHeaders)
        inherit(\.proxyPassRequestBody, \.proxyPassRequestBody)
        inherit(\.proxyHideHeaders, \.proxyHideHeaders)
        inherit(\.proxyPassHeaders, \.proxyPassHeaders)
        inherit(\.proxyRedirect, \.proxyRedirect)
        inherit(\.proxyBuffering, \.proxyBuffering)
        inherit(\.proxySplice, \.proxySplice)
        inherit(\.proxyConnectTimeout, \.proxyConnectTimeout)
        inherit(\.proxySendTimeout, \.proxySendTimeout)
        inherit(\.proxyReadTimeout, \.proxyReadTimeout)
        inherit(\.clientHeaderTimeout, \.clientHeaderTimeout)
        inherit(\.clientBodyTimeout, \.clientBodyTimeout)
        inherit(\.keepaliveTimeout, \.keepaliveTimeout)
        inherit(\.keepaliveRequests, \.keepaliveRequests)
        inherit(\.clientMaxBodySize, \.clientMaxBodySize)
        inherit(\.largeClientHeaderBuffers, \.largeClientHeaderBuffers)
        inherit(\.isInternal, \.isInternal)
        inherit(\.errorLog, \.errorLog)
        inherit(\.proxyNextUpstream, \.proxyNextUpstream)
        inherit(\.proxyNextUpstreamTries, \.proxyNextUpstreamTries)
        inherit(\.proxyNextUpstreamTimeout, \.proxyNextUpstreamTimeout)

        let resolver = context.resolver
        if let headers = proxySetHeaders {
            settings.proxySetHeaders = try headers.map { header throws(ConfigError) in try header.compiled(by: resolver) }
        }
        if let headers = addHeaders {
            settings.addHeaders = try headers.map { header throws(ConfigError) in try header.compiled(by: resolver) }
        }
        if let root {
            settings.root = try root.compiled(by: resolver)
        }
        if let index {
            settings.index = try index.map { file throws(ConfigError) in try resolver.compile(file) }
        }
        if accessLogOff {
            settings.accessLogs = []
        } else if let accessLogs {
            settings.accessLogs = try accessLogs.map { log throws(ConfigError) in try log.compiled(with: context) }
        }
        return settings
    }
}

/// What the merge needs besides the parent: variable names, and the compiled log formats.
struct MergeContext {
    var resolver: VariableResolver
    var logFormats: [String: LogFormatConfig]
}

/// `proxy_set_header` / `add_header` before its value is compiled.
struct PendingHeader {
    var name: String
    var value: PendingValue
    var always: Bool

    func compiled(by resolver: VariableResolver) throws(ConfigError) -> HeaderField {
        HeaderField(name: name, value: try resolver.compile(value), always: always)
    }
}

enum PendingRoot {
    case root(PendingValue)
    case alias(PendingValue)

    var directiveName: String {
        switch self {
        case .root: "root"
        case .alias: "alias"
        }
    }

    func compiled(by resolver: VariableResolver) throws(ConfigError) -> DocumentRoot {
        switch self {
        case .root(let path): .root(try resolver.compile(path))
        case .alias(let path): .alias(try resolver.compile(path))
        }
    }
}

/// `access_log` before its format and condition are compiled; the format name was checked
/// when the directive was read.
struct PendingAccessLog {
    var path: String
    var formatName: String
    var bufferSize: Int?
    var flush: Duration?
    var condition: PendingValue?
    var location: SourceLocation

    func compiled(with context: MergeContext) throws(ConfigError) -> AccessLogConfig {
        guard let format = context.logFormats[formatName] else {
            throw ConfigError("unknown log format \"\(formatName)\"", at: location)
        }
        return AccessLogConfig(
            path: path, format: format, bufferSize: bufferSize, flush: flush,
            condition: try condition.map { value throws(ConfigError) in try context.resolver.compile(value) },
            location: location)
    }
}
