/// A variable of the http module, resolved from its name once at load so a request never
/// looks a name up. nginx's variable index (`ngx_http_get_variable_index`), as an enum.
public enum VariableRef: Sendable, Hashable {
    case host
    case args
    /// `?` when the request has arguments, else empty.
    case isArgs
    case requestURI
    case uri
    case request
    case requestMethod
    case scheme
    case serverName
    case serverPort
    case serverAddr
    case remoteAddr
    case remotePort
    case binaryRemoteAddr
    /// The user name of Basic authentication; needed by nginx's predefined `combined` format.
    case remoteUser
    case proxyAddXForwardedFor
    case proxyHost
    case upstreamAddr
    case upstreamStatus
    case upstreamResponseTime
    case upstreamConnectTime
    case status
    case bodyBytesSent
    case bytesSent
    case requestTime
    case requestLength
    case timeLocal
    case timeISO8601
    case msec
    case connection
    case connectionRequests
    /// `$http_NAME`: a request header. The name is lowercased with `_` turned into `-`
    /// (`$http_user_agent` is `.httpHeader("user-agent")`), ready to compare with a lowercased
    /// header name.
    case httpHeader(String)
    /// `$cookie_NAME`, the name as written (cookie names are case-sensitive).
    case cookie(String)
    /// `$arg_NAME`, the name as written.
    case arg(String)
    /// A variable defined by `map`: `HTTPConfig.maps[index]`.
    case map(Int)
    /// `$1` ... `$9`: a group of the last regular expression that matched (location,
    /// server_name or map), empty when there is none.
    case capture(Int)
    /// `$name` defined by a named group `(?<name>...)` of some regular expression.
    case namedCapture(String)
    /// Stream only: `$ssl_preread_server_name`, the SNI of the ClientHello `ssl_preread` read.
    case sslPrereadServerName
    /// Stream only: `$ssl_preread_alpn_protocols`, the client's ALPN names joined by commas.
    case sslPrereadALPNProtocols
    /// Stream only: `$ssl_preread_protocol`, the highest TLS version the client offers.
    case sslPrereadProtocol
    /// Stream only: `$protocol`, `TCP` (no UDP here).
    case transportProtocol

    /// The fixed names, each a variable of its own.
    static let builtins: [String: VariableRef] = [
        "host": .host, "args": .args, "query_string": .args, "is_args": .isArgs, "request_uri": .requestURI,
        "uri": .uri, "document_uri": .uri, "request": .request, "request_method": .requestMethod,
        "scheme": .scheme, "server_name": .serverName, "server_port": .serverPort, "server_addr": .serverAddr,
        "remote_addr": .remoteAddr, "remote_port": .remotePort, "binary_remote_addr": .binaryRemoteAddr,
        "remote_user": .remoteUser, "proxy_add_x_forwarded_for": .proxyAddXForwardedFor,
        "proxy_host": .proxyHost, "upstream_addr": .upstreamAddr, "upstream_status": .upstreamStatus,
        "upstream_response_time": .upstreamResponseTime, "upstream_connect_time": .upstreamConnectTime,
        "status": .status, "body_bytes_sent": .bodyBytesSent, "bytes_sent": .bytesSent,
        "request_time": .requestTime, "request_length": .requestLength, "time_local": .timeLocal,
        "time_iso8601": .timeISO8601, "msec": .msec, "connection": .connection,
        "connection_requests": .connectionRequests,
    ]

    /// The variables of `stream {}` (nginx's stream core and ssl_preread modules).
    static let streamBuiltins: [String: VariableRef] = [
        "remote_addr": .remoteAddr, "remote_port": .remotePort, "binary_remote_addr": .binaryRemoteAddr,
        "server_addr": .serverAddr, "server_port": .serverPort, "connection": .connection, "msec": .msec,
        "time_local": .timeLocal, "time_iso8601": .timeISO8601, "protocol": .transportProtocol,
        "ssl_preread_server_name": .sslPrereadServerName, "ssl_preread_alpn_protocols": .sslPrereadALPNProtocols,
        "ssl_preread_protocol": .sslPrereadProtocol,
    ]

    /// The name families (`$http_host`, `$cookie_id`, `$arg_page`); the part after the prefix
    /// must not be empty.
    static func prefixed(_ name: String) -> VariableRef? {
        if let rest = name.suffix(after: "http_") {
            return .httpHeader(rest.lowercased().replacingUnderscores())
        }
        if let rest = name.suffix(after: "cookie_") { return .cookie(rest) }
        if let rest = name.suffix(after: "arg_") { return .arg(rest) }
        return nil
    }
}

/// An argument compiled for evaluation: literal text and resolved variables, in order.
public struct CompiledValue: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case variable(VariableRef)
    }

    /// Empty for an empty value.
    public var parts: [Part]
    /// The argument as written, for logs and errors.
    public var source: String

    public init(parts: [Part], source: String) {
        self.parts = parts
        self.source = source
    }

    public init(literal text: String) {
        self.init(parts: text.isEmpty ? [] : [.literal(text)], source: text)
    }

    /// The text when there is nothing to evaluate; nil when a variable is involved.
    public var literalText: String? {
        var text = ""
        for part in parts {
            guard case .literal(let piece) = part else { return nil }
            text += piece
        }
        return text
    }

    public var variables: [VariableRef] {
        parts.compactMap { if case .variable(let ref) = $0 { ref } else { nil } }
    }
}

/// A value whose syntax was checked when its directive was read, and whose variable names are
/// resolved when `http {}` is complete (a `map` may define a variable after its first use,
/// as nginx allows).
struct PendingValue: Equatable {
    var value: ComplexValue
    var text: String
    var location: SourceLocation

    init(_ argument: Argument) throws(ConfigError) {
        value = try ComplexValue(argument)
        text = argument.text
        location = argument.location
    }

    init(text: String, location: SourceLocation) throws(ConfigError) {
        value = try ComplexValue(parsing: text, location: location)
        self.text = text
        self.location = location
    }
}

/// Which module's variables a value may use.
enum VariableScope {
    case http
    case stream

    var builtins: [String: VariableRef] {
        switch self {
        case .http: VariableRef.builtins
        case .stream: VariableRef.streamBuiltins
        }
    }
}

/// Resolves variable names once every `map` and regular expression of the block is known.
struct VariableResolver {
    var scope = VariableScope.http
    /// Map-defined names to their index in `HTTPConfig.maps`.
    var maps: [String: Int] = [:]
    /// Names of every named group of every regular expression of `http {}`.
    var namedCaptures: Set<String> = []

    func compile(_ pending: PendingValue) throws(ConfigError) -> CompiledValue {
        var parts: [CompiledValue.Part] = []
        for part in pending.value.parts {
            switch part {
            case .literal(let text):
                parts.append(.literal(text))
            case .variable(let name):
                parts.append(.variable(try reference(name, at: pending.location)))
            }
        }
        return CompiledValue(parts: parts, source: pending.text)
    }

    /// Several arguments read as one value (`log_format`'s strings).
    func compile(joining pieces: [PendingValue]) throws(ConfigError) -> CompiledValue {
        var parts: [CompiledValue.Part] = []
        for piece in pieces {
            parts += try compile(piece).parts
        }
        return CompiledValue(parts: parts, source: pieces.map(\.text).joined())
    }

    /// nginx's `unknown "name" variable`, here with the place it was used.
    func reference(_ name: String, at location: SourceLocation) throws(ConfigError) -> VariableRef {
        if let digit = Int(name), (1...9).contains(digit) { return .capture(digit) }
        if let index = maps[name] { return .map(index) }
        if let builtin = scope.builtins[name] { return builtin }
        if namedCaptures.contains(name) { return .namedCapture(name) }
        if scope == .http, let family = VariableRef.prefixed(name) { return family }
        throw ConfigError("unknown \"\(name)\" variable", at: location)
    }

    /// A name a `map` may define: not a built-in variable, not one defined by another map.
    static func isBuiltin(_ name: String, in scope: VariableScope) -> Bool {
        scope.builtins[name] != nil
    }
}

extension String {
    /// The non-empty rest of the string after `prefix`, or nil.
    func suffix(after prefix: String) -> String? {
        guard hasPrefix(prefix), count > prefix.count else { return nil }
        return String(dropFirst(prefix.count))
    }

    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
