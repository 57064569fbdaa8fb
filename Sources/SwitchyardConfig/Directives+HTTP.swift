import Glibc

/// Setters for the `http {}` directives that are more than a slot, worded as nginx words its
/// errors (`ngx_http_core_module.c`, `ngx_http_proxy_module.c`, `ngx_http_rewrite_module.c`,
/// `ngx_http_log_module.c`, `ngx_http_headers_module.c`).
enum HTTPDirectives {
    // MARK: Blocks

    static func openHTTP(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.http.location == nil else { throw DirectiveErrors.duplicate(directive) }
        builder.http.location = directive.location
    }

    static func closeHTTP(_ builder: inout ConfigBuilder) throws(ConfigError) {}

    static func openUpstream(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        try UpstreamBlocks.open(&builder.http.upstreams, directive)
    }

    static func closeUpstream(_ builder: inout ConfigBuilder) throws(ConfigError) {
        try UpstreamBlocks.close(builder.http.upstreams)
    }

    static func openServer(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        builder.http.servers.append(HTTPServerDraft(location: directive.location))
    }

    /// A server without `listen` or `server_name` gets nginx's defaults when `http {}` is done.
    static func closeServer(_ builder: inout ConfigBuilder) throws(ConfigError) {}

    /// `location [=|~|~*|^~] URI { }`, also written without the space (`location =/x`).
    static func openLocation(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let (modifier, pattern) = try locationModifier(directive)
        let serverIndex = builder.openHTTPServer
        let parent = builder.http.openLocations.last
        let siblings = builder.http.servers[serverIndex].locations.filter { $0.parent == parent }

        if let parent {
            let outer = builder.http.servers[serverIndex].locations[parent]
            if outer.modifier == .exact {
                throw ConfigError(
                    "location \"\(pattern)\" cannot be inside the exact location \"\(outer.pattern)\"",
                    at: directive.location)
            }
            if !modifier.isRegex && !pattern.hasPrefix(outer.pattern) {
                throw ConfigError(
                    "location \"\(pattern)\" is outside location \"\(outer.pattern)\"", at: directive.location)
            }
        }
        // nginx joins `= /x` and `/x` into one tree node; two of the same kind are duplicates.
        if !modifier.isRegex,
            siblings.contains(where: { $0.pattern == pattern && ($0.modifier == .exact) == (modifier == .exact) })
        {
            throw ConfigError("duplicate location \"\(pattern)\"", at: directive.location)
        }

        var regex: ConfigRegex?
        if modifier.isRegex {
            regex = try ConfigRegex.compile(
                pattern, caseInsensitive: modifier == .regexCaseInsensitive, at: directive.location)
        }
        let index = builder.http.servers[serverIndex].locations.count
        builder.http.servers[serverIndex].locations.append(
            LocationDraft(modifier: modifier, pattern: pattern, regex: regex, parent: parent, location: directive.location))
        if let parent { builder.http.servers[serverIndex].locations[parent].children.append(index) }
        builder.http.openLocations.append(index)
    }

    static func closeLocation(_ builder: inout ConfigBuilder) throws(ConfigError) {
        builder.http.openLocations.removeLast()
    }

    private static func locationModifier(_ directive: Directive) throws(ConfigError) -> (LocationModifier, String) {
        if directive.args.count == 2 {
            let word = directive.args[0].text
            let modifier: LocationModifier
            switch word {
            case "=": modifier = .exact
            case "~": modifier = .regex
            case "~*": modifier = .regexCaseInsensitive
            case "^~": modifier = .prefixNoRegex
            default: throw ConfigError("invalid location modifier \"\(word)\"", at: directive.args[0].location)
            }
            return (modifier, directive.args[1].text)
        }
        let text = directive.args[0].text
        if text.hasPrefix("@") {
            throw ConfigError("named locations are not supported yet", at: directive.location)
        }
        if text.hasPrefix("=") { return (.exact, String(text.dropFirst())) }
        if text.hasPrefix("~*") { return (.regexCaseInsensitive, String(text.dropFirst(2))) }
        if text.hasPrefix("~") { return (.regex, String(text.dropFirst())) }
        if text.hasPrefix("^~") { return (.prefixNoRegex, String(text.dropFirst(2))) }
        return (.prefix, text)
    }

    // MARK: Server

    /// `listen ADDR [default_server] [reuseport] [backlog=N];` A bare host means port 80.
    static func listen(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let argument = directive.args[0]
        var parsed = AddressSyntax.parse(argument.text, role: .listen)
        if case .failure(.noPort) = parsed {
            parsed = AddressSyntax.parse("\(argument.text):80", role: .listen)
        }
        let address: HostPort
        switch parsed {
        case .success(let hostPort):
            address = hostPort
        case .failure(let problem):
            throw ConfigError(
                "\(problem.reason) in \"\(argument.text)\" of the \"listen\" directive", at: argument.location)
        }

        var listen = HTTPListenConfig(address: address, location: directive.location)
        for parameter in directive.args.dropFirst() {
            let text = parameter.text
            if text == "default_server" || text == "default" {
                listen.defaultServer = true
            } else if text == "reuseport" {
                listen.reuseport = true
                listen.hasSocketOptions = true
            } else if let value = text.value(after: "backlog=") {
                guard let backlog = Units.number(value), backlog > 0 else {
                    throw ConfigError("invalid backlog \"\(text)\"", at: parameter.location)
                }
                listen.backlog = backlog
                listen.hasSocketOptions = true
            } else {
                throw ConfigError("invalid parameter \"\(text)\"", at: parameter.location)
            }
        }

        let server = builder.openHTTPServer
        if builder.http.servers[server].listens.contains(where: { $0.address == address }) {
            throw ConfigError("a duplicate listen \(address)", at: directive.location)
        }
        if listen.defaultServer {
            guard builder.http.defaultServers[address] == nil else {
                throw ConfigError("a duplicate default server for \(address)", at: directive.location)
            }
            builder.http.defaultServers[address] = directive.location
        }
        if listen.hasSocketOptions {
            guard builder.http.addressesWithOptions.insert(address).inserted else {
                throw ConfigError("duplicate listen options for \(address)", at: directive.location)
            }
        }
        builder.http.servers[server].listens.append(listen)
    }

    /// `server_name NAME ...;`: exact, `*.x`, `.x`, `x.*`, `~regex`, `""`, `$hostname`.
    static func serverName(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        var names: [ServerName] = []
        for argument in directive.args {
            let text = argument.text
            if text.hasPrefix("~") {
                let pattern = String(text.dropFirst())
                // nginx compiles a server_name regex caselessly only when it has a capital letter;
                // the host it is matched against is lowercased either way.
                let caseless = pattern.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
                names.append(.regex(try ConfigRegex.compile(pattern, caseInsensitive: caseless, at: argument.location)))
                continue
            }
            let name = text == "$hostname" ? hostName() : text
            guard let patterns = HostnameTable<Int>.patterns(for: name) else {
                throw ConfigError("invalid server name or wildcard \"\(text)\"", at: argument.location)
            }
            for pattern in patterns {
                switch pattern {
                case .exact(let exact): names.append(.exact(exact))
                case .leading(let suffix): names.append(.leadingWildcard(suffix: suffix))
                case .trailing(let prefix): names.append(.trailingWildcard(prefix: prefix))
                }
            }
        }
        builder.http.servers[builder.openHTTPServer].names += names
    }

    /// The machine's name, lowercased, for `server_name $hostname`.
    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).lowercased()
    }

    // MARK: Handlers

    /// `proxy_pass http://HOST[:PORT][URI];`
    static func proxyPass(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let server = builder.openHTTPServer
        let index = builder.openLocation
        let location = builder.http.servers[server].locations[index]
        guard location.proxyPass == nil else { throw DirectiveErrors.duplicate(directive) }

        let argument = directive.args[0]
        let text = argument.text
        let lowered = text.lowercased()
        guard lowered.hasPrefix("http://") else {
            if lowered.hasPrefix("https://") {
                throw ConfigError("https is not supported in \"proxy_pass\" yet", at: argument.location)
            }
            throw ConfigError("invalid URL prefix in \"\(text)\"", at: argument.location)
        }
        let rest = text.dropFirst("http://".count)
        let value = try PendingValue(text: String(rest), location: argument.location)
        if !value.value.isLiteral {
            // Evaluated per request; the names are resolved when `http {}` is complete.
            builder.http.servers[server].locations[index].proxyPass = PendingProxyPass(
                host: "", uri: nil, text: text, location: argument.location, variable: value)
            return
        }
        let slash = rest.firstIndex(of: "/")
        let host = String(rest[..<(slash ?? rest.endIndex)])
        let uri = slash.map { String(rest[$0...]) }
        guard !host.isEmpty else { throw ConfigError("no host in upstream \"\(rest)\"", at: argument.location) }
        if uri != nil && location.modifier.isRegex {
            throw ConfigError(
                "\"proxy_pass\" cannot have URI part in location given by regular expression, "
                    + "or inside named location, or inside \"if\" statement, or inside \"limit_except\" block",
                at: directive.location)
        }
        builder.http.servers[server].locations[index].proxyPass = PendingProxyPass(
            host: host, uri: uri, text: text, location: argument.location)
    }

    /// `return CODE [TEXT|URL];` or `return URL;`, as `ngx_http_rewrite_return` reads them: a
    /// first argument that is no number must be an `http://`, `https://` or `$scheme` URL, and
    /// means 302.
    /// `websocket_echo;` in a location.
    static func websocketEcho(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let server = builder.openHTTPServer
        let index = builder.openLocation
        guard builder.http.servers[server].locations[index].websocketEcho == nil else {
            throw DirectiveErrors.duplicate(directive)
        }
        builder.http.servers[server].locations[index].websocketEcho = directive.location
    }

    static func returnDirective(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.scopeReturn == nil else { throw DirectiveErrors.duplicate(directive) }
        let first = directive.args[0]
        let invalid = ConfigError("invalid return code \"\(first.text)\"", at: first.location)
        if let code = Units.number(first.text) {
            guard code <= 999 else { throw invalid }
            let text = directive.args.count == 2 ? try PendingValue(directive.args[1]) : nil
            builder.scopeReturn = PendingReturn(code: code, text: text, location: directive.location)
            return
        }
        let url = first.text
        let isURL =
            (url.utf8.count > 7 && url.hasPrefix("http://")) || (url.utf8.count > 8 && url.hasPrefix("https://"))
            || url.hasPrefix("$scheme")
        guard isURL, directive.args.count == 1 else { throw invalid }
        builder.scopeReturn = PendingReturn(code: 302, text: try PendingValue(first), location: directive.location)
    }

    // MARK: Headers

    /// `proxy_set_header NAME VALUE;` Each one appends to the block's own list.
    static func proxySetHeader(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let header = try header(directive, always: false)
        builder.httpScope.proxySetHeaders = (builder.httpScope.proxySetHeaders ?? []) + [header]
    }

    /// `add_header NAME VALUE [always];`
    static func addHeader(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        var always = false
        if directive.args.count == 3 {
            guard directive.args[2].text == "always" else {
                throw ConfigError("invalid parameter \"\(directive.args[2].text)\"", at: directive.args[2].location)
            }
            always = true
        }
        let header = try header(directive, always: always)
        builder.httpScope.addHeaders = (builder.httpScope.addHeaders ?? []) + [header]
    }

    /// The name must be an RFC 9110 token; the value must not hold CR, LF or NUL (the lexer
    /// decodes `\n`, and a header line must never be split by the configuration).
    private static func header(_ directive: Directive, always: Bool) throws(ConfigError) -> PendingHeader {
        let name = directive.args[0]
        guard !name.text.isEmpty, name.text.utf8.allSatisfy(isTokenByte) else {
            throw ConfigError("invalid header name \"\(name.text)\"", at: name.location)
        }
        let value = directive.args[1]
        guard !value.text.utf8.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf || $0 == 0 }) else {
            throw ConfigError("invalid header value \"\(value.text)\"", at: value.location)
        }
        return PendingHeader(name: name.text, value: try PendingValue(value), always: always)
    }

    /// RFC 9110 §5.6.2: `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    /// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func proxyHideHeader(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        builder.httpScope.proxyHideHeaders = (builder.httpScope.proxyHideHeaders ?? []) + [
            directive.args[0].text.lowercased()
        ]
    }

    static func proxyPassHeader(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        builder.httpScope.proxyPassHeaders = (builder.httpScope.proxyPassHeaders ?? []) + [
            directive.args[0].text.lowercased()
        ]
    }

    // MARK: Proxy settings

    static func proxyHTTPVersion(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.httpScope.proxyHTTPVersion == nil else { throw DirectiveErrors.duplicate(directive) }
        switch directive.args[0].text {
        case "1.0": builder.httpScope.proxyHTTPVersion = .http1_0
        case "1.1": builder.httpScope.proxyHTTPVersion = .http1_1
        default: throw DirectiveErrors.invalidValue(directive, mustBe: "\"1.0\" or \"1.1\"")
        }
    }

    /// `proxy_redirect off | default;` (nginx's rewrite pairs are not supported yet).
    static func proxyRedirect(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.httpScope.proxyRedirect == nil else { throw DirectiveErrors.duplicate(directive) }
        switch directive.args[0].text {
        case "off": builder.httpScope.proxyRedirect = .off
        case "default": builder.httpScope.proxyRedirect = .default
        default: throw DirectiveErrors.invalidValue(directive, mustBe: "\"off\" or \"default\"")
        }
    }

    /// `proxy_next_upstream error | timeout | invalid_header | http_NNN | non_idempotent | off ...;`
    /// `off` anywhere in the list turns retries off, as nginx's merge does.
    static func proxyNextUpstream(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.httpScope.proxyNextUpstream == nil else { throw DirectiveErrors.duplicate(directive) }
        var conditions: NextUpstreamConditions = []
        var off = false
        for argument in directive.args {
            if argument.text == "off" {
                off = true
            } else if let condition = NextUpstreamConditions.byName[argument.text] {
                conditions.insert(condition)
            } else {
                throw ConfigError("invalid value \"\(argument.text)\"", at: argument.location)
            }
        }
        builder.httpScope.proxyNextUpstream = off ? [] : conditions
    }

    // MARK: Client connection

    /// `keepalive_timeout T [HEADER_T];` the second value is whole seconds, as nginx parses it.
    static func keepaliveTimeout(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.httpScope.keepaliveTimeout == nil else { throw DirectiveErrors.duplicate(directive) }
        guard let timeout = Units.time(directive.args[0].text, base: .milliseconds) else {
            throw DirectiveErrors.invalidValue(directive)
        }
        var keepalive = KeepaliveTimeout(timeout: timeout)
        if directive.args.count == 2 {
            guard let header = Units.time(directive.args[1].text, base: .seconds) else {
                throw DirectiveErrors.invalidValue(directive)
            }
            keepalive.headerTimeout = header
        }
        builder.httpScope.keepaliveTimeout = keepalive
    }

    /// `large_client_header_buffers N SIZE;` both positive.
    static func largeClientHeaderBuffers(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.httpScope.largeClientHeaderBuffers == nil else { throw DirectiveErrors.duplicate(directive) }
        guard let count = Units.number(directive.args[0].text), count > 0,
            let size = Units.size(directive.args[1].text), size > 0
        else {
            throw DirectiveErrors.invalidValue(directive)
        }
        builder.httpScope.largeClientHeaderBuffers = HeaderBuffers(count: count, size: size)
    }

    // MARK: Files

    /// `root PATH;` and `alias PATH;` share one slot: a block has one or the other.
    static func root(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        try setRoot(.root(try PendingValue(directive.args[0])), &builder, directive)
    }

    static func alias(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        try setRoot(.alias(try PendingValue(directive.args[0])), &builder, directive)
    }

    private static func setRoot(
        _ root: PendingRoot, _ builder: inout ConfigBuilder, _ directive: Directive
    ) throws(ConfigError) {
        if let existing = builder.httpScope.root {
            guard existing.directiveName != root.directiveName else { throw DirectiveErrors.duplicate(directive) }
            throw ConfigError(
                "\"\(root.directiveName)\" directive is duplicate, \"\(existing.directiveName)\" directive was specified earlier",
                at: directive.location)
        }
        builder.httpScope.root = root
    }

    /// `index FILE ...;` Lines add up within a block, as in nginx.
    static func index(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        var files = builder.httpScope.index ?? []
        for (position, argument) in directive.args.enumerated() {
            guard !argument.text.isEmpty else {
                throw ConfigError("index \"\" in \"index\" directive is invalid", at: argument.location)
            }
            if argument.text.hasPrefix("/") && position != directive.args.count - 1 {
                throw ConfigError(
                    "only the last index in \"index\" directive should be absolute", at: argument.location)
            }
            files.append(try PendingValue(argument))
        }
        builder.httpScope.index = files
    }

    static func `internal`(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.httpScope.isInternal == nil else { throw DirectiveErrors.duplicate(directive) }
        builder.httpScope.isInternal = true
    }

    // MARK: Logs

    /// `access_log off;` or `access_log PATH [FORMAT [buffer=SIZE] [flush=TIME] [if=CONDITION]];`
    static func accessLog(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let args = directive.args
        if args[0].text == "off" {
            guard args.count == 1 else {
                throw ConfigError("invalid parameter \"\(args[1].text)\"", at: args[1].location)
            }
            builder.httpScope.accessLogOff = true
            builder.httpScope.accessLogs = builder.httpScope.accessLogs ?? []
            return
        }
        guard try ComplexValue(args[0]).isLiteral else {
            throw ConfigError("variables are not supported in \"access_log\" paths yet", at: args[0].location)
        }
        let formatName = args.count > 1 ? args[1].text : "combined"
        guard builder.http.hasLogFormat(named: formatName) else {
            throw ConfigError("unknown log format \"\(formatName)\"", at: args[1].location)
        }
        var log = PendingAccessLog(path: args[0].text, formatName: formatName, location: directive.location)
        for parameter in args.dropFirst(2) {
            let text = parameter.text
            if let value = text.value(after: "buffer=") {
                guard let size = Units.size(String(value)), size > 0 else {
                    throw ConfigError("invalid buffer size \"\(value)\"", at: parameter.location)
                }
                log.bufferSize = size
            } else if let value = text.value(after: "flush=") {
                guard let flush = Units.time(String(value), base: .milliseconds), flush > .zero else {
                    throw ConfigError("invalid flush time \"\(value)\"", at: parameter.location)
                }
                log.flush = flush
            } else if let value = text.value(after: "if=") {
                log.condition = try PendingValue(text: String(value), location: parameter.location)
            } else {
                throw ConfigError("invalid parameter \"\(text)\"", at: parameter.location)
            }
        }
        builder.httpScope.accessLogs = (builder.httpScope.accessLogs ?? []) + [log]
    }

    /// `log_format NAME [escape=default|json|none] STRING ...;` Each string is compiled on its
    /// own and the parts joined, so `'$a' 'b'` never becomes `$ab`.
    static func logFormat(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let name = directive.args[0].text
        guard !builder.http.hasLogFormat(named: name) else {
            throw ConfigError("duplicate \"log_format\" name \"\(name)\"", at: directive.location)
        }
        var strings = directive.args.dropFirst()
        var escape = LogEscape.default
        if let first = strings.first, let value = first.text.value(after: "escape=") {
            switch value {
            case "default": escape = .default
            case "json": escape = .json
            case "none": escape = .none
            default: throw ConfigError("unknown log format escaping \"\(value)\"", at: first.location)
            }
            strings = strings.dropFirst()
        }
        var pieces: [PendingValue] = []
        for string in strings {
            pieces.append(try PendingValue(string))
        }
        builder.http.logFormats.append(
            LogFormatDraft(name: name, escape: escape, format: pieces, location: directive.location))
    }
}
