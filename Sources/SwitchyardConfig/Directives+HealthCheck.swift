extension UpstreamDirectives {
    /// `health_check [interval=T] [fails=N] [passes=N] [uri=/path] [match=STATUSES]
    /// [type=tcp|http] [timeout=T] [port=N];` The type defaults to the module's protocol: http
    /// in `http {}`, tcp in `stream {}` (where `type=http` probes a TCP service that speaks HTTP).
    static func healthCheck(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.scopeUpstream.healthCheck == nil else { throw DirectiveErrors.duplicate(directive) }
        let kind: HealthCheckConfig.Kind = builder.context == .httpUpstream ? .http : .tcp
        builder.scopeUpstream.healthCheck = try parseHealthCheck(directive, defaultKind: kind)
    }

    static func parseHealthCheck(
        _ directive: Directive, defaultKind: HealthCheckConfig.Kind
    ) throws(ConfigError) -> HealthCheckConfig {
        var check = HealthCheckConfig(kind: defaultKind, location: directive.location)
        var timeout: Duration?
        var seen: Set<Substring> = []
        // Written only for type=http; kept to name them if the type turns out to be tcp.
        var httpOnly: [Argument] = []
        for parameter in directive.args {
            let text = parameter.text
            let invalid = ConfigError("invalid parameter \"\(text)\"", at: parameter.location)
            guard let equals = text.firstIndex(of: "=") else { throw invalid }
            let name = text[..<equals]
            let value = text[text.index(after: equals)...]
            guard !seen.contains(name) else {
                throw ConfigError("duplicate parameter \"\(text)\"", at: parameter.location)
            }
            seen.insert(name)
            switch name {
            case "interval":
                guard let interval = Units.time(String(value)), interval > .zero else { throw invalid }
                check.interval = interval
            case "timeout":
                guard let time = Units.time(String(value)), time > .zero else { throw invalid }
                timeout = time
            case "fails":
                guard let fails = Units.number(value), fails > 0 else { throw invalid }
                check.fails = fails
            case "passes":
                guard let passes = Units.number(value), passes > 0 else { throw invalid }
                check.passes = passes
            case "port":
                guard let port = Units.number(value), (1...65535).contains(port) else { throw invalid }
                check.port = port
            case "type":
                guard let kind = HealthCheckConfig.Kind(rawValue: String(value)) else { throw invalid }
                check.kind = kind
            case "uri":
                // It goes into the request line as written: a path, visible ASCII only.
                guard value.hasPrefix("/"), value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw invalid }
                check.uri = String(value)
                httpOnly.append(parameter)
            case "match":
                guard let match = StatusMatch(value) else { throw invalid }
                check.match = match
                httpOnly.append(parameter)
            default:
                throw invalid
            }
        }
        if check.kind == .tcp, let parameter = httpOnly.first {
            throw ConfigError("parameter \"\(parameter.text)\" requires \"type=http\"", at: parameter.location)
        }
        check.timeout = timeout ?? HealthCheckConfig.defaultTimeout(interval: check.interval)
        return check
    }
}
