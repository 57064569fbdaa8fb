/// Setters for the lines of `upstream NAME { }`, one implementation for `stream {}` and
/// `http {}` (nginx has a copy per module; the syntax and the messages are the same).
enum UpstreamDirectives {
    /// `server ADDR [weight=N] [max_conns=N] [max_fails=N] [fail_timeout=T] [backup] [down];`
    /// Unset parameters keep `UpstreamServerConfig`'s defaults, which are nginx's.
    static func server(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let server = try parseServer(directive, method: builder.scopeUpstream.method)
        builder.scopeUpstream.servers.append(server)
    }

    static func parseServer(_ directive: Directive, method: BalancerMethod) throws(ConfigError) -> UpstreamServerConfig {
        let addressArgument = directive.args[0]
        let address: HostPort
        switch AddressSyntax.parse(addressArgument.text, role: .upstream) {
        case .success(let hostPort):
            address = hostPort
        case .failure(let problem):
            throw ConfigError(
                "\(problem.reason) in upstream \"\(addressArgument.text)\"", at: addressArgument.location)
        }

        var server = UpstreamServerConfig(address: address, location: directive.location)
        for parameter in directive.args.dropFirst() {
            let text = parameter.text
            let invalid = ConfigError("invalid parameter \"\(text)\"", at: parameter.location)
            if let value = text.value(after: "weight=") {
                guard let weight = Units.number(value), weight > 0 else { throw invalid }
                server.weight = weight
            } else if let value = text.value(after: "max_conns=") {
                // 0 is valid: no limit.
                guard let maxConns = Units.number(value) else { throw invalid }
                server.maxConns = maxConns
            } else if let value = text.value(after: "max_fails=") {
                // 0 is valid: it turns failure accounting off.
                guard let maxFails = Units.number(value) else { throw invalid }
                server.maxFails = maxFails
            } else if let value = text.value(after: "fail_timeout=") {
                guard let failTimeout = Units.time(String(value), base: .seconds) else { throw invalid }
                server.failTimeout = failTimeout
            } else if text == "backup" {
                guard method.allowsBackup else { throw backupNotSupported(at: parameter.location) }
                server.backup = true
            } else if text == "down" {
                server.down = true
            } else {
                throw invalid
            }
        }
        return server
    }

    /// `ip_hash;`
    static func ipHash(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        try setMethod(.ipHash, &builder, directive)
    }

    /// `hash KEY [consistent];` The key's variables are resolved when its block is complete,
    /// like every other value (a `map` may come later).
    static func hash(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let key = try PendingValue(directive.args[0])
        var consistent = false
        if directive.args.count == 2 {
            let parameter = directive.args[1]
            guard parameter.text == "consistent" else {
                throw ConfigError("invalid parameter \"\(parameter.text)\"", at: parameter.location)
            }
            consistent = true
        }
        try setMethod(.hash(CompiledValue(literal: key.text), consistent: consistent), &builder, directive)
        builder.scopeUpstream.pendingHashKey = key
    }

    /// `least_conn;`
    static func leastConn(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        try setMethod(.leastConn, &builder, directive)
    }

    /// `random [two [least_conn]];`
    static func random(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let expected = ["two", "least_conn"]
        for (parameter, wanted) in zip(directive.args, expected) where parameter.text != wanted {
            throw ConfigError("invalid parameter \"\(parameter.text)\"", at: parameter.location)
        }
        try setMethod(.random(two: !directive.args.isEmpty), &builder, directive)
    }

    /// `zone NAME [SIZE];` Checked as nginx checks it, then kept only to be shown: the worker
    /// threads already share what a zone would share between nginx's processes.
    static func zone(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.scopeUpstream.zone == nil else { throw DirectiveErrors.duplicate(directive) }
        let name = directive.args[0].text
        guard !name.isEmpty else { throw ConfigError("invalid zone name \"\(name)\"", at: directive.location) }
        if directive.args.count == 2 {
            let text = directive.args[1].text
            guard let size = Units.size(text) else {
                throw ConfigError("invalid zone size \"\(text)\"", at: directive.location)
            }
            // nginx's floor: eight 4 KiB pages.
            guard size >= 8 * 4096 else { throw ConfigError("zone \"\(name)\" is too small", at: directive.location) }
        }
        builder.scopeUpstream.zone = name
    }

    /// `sticky cookie NAME [expires=TIME|max] [domain=D] [path=P] [httponly] [secure]
    /// [samesite=strict|lax|none];` nginx Plus's `route` and `learn` kinds are not supported.
    static func sticky(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.scopeUpstream.sticky == nil else { throw DirectiveErrors.duplicate(directive) }
        let kind = directive.args[0]
        guard kind.text == "cookie" else {
            throw ConfigError("invalid parameter \"\(kind.text)\"", at: kind.location)
        }
        let nameArgument = directive.args[1]
        guard !nameArgument.text.isEmpty, nameArgument.text.utf8.allSatisfy(HTTPDirectives.isTokenByte) else {
            throw ConfigError("invalid cookie name \"\(nameArgument.text)\"", at: nameArgument.location)
        }
        var sticky = StickyCookieConfig(name: nameArgument.text, location: directive.location)
        for parameter in directive.args.dropFirst(2) {
            let text = parameter.text
            let invalid = ConfigError("invalid parameter \"\(text)\"", at: parameter.location)
            if let value = text.value(after: "expires=") {
                if value == "max" {
                    sticky.expires = .max
                } else {
                    guard let time = Units.time(String(value), base: .seconds) else { throw invalid }
                    sticky.expires = .after(time)
                }
            } else if let value = text.value(after: "domain=") {
                guard CookieSyntax.isAttributeValue(value) else { throw invalid }
                sticky.domain = String(value)
            } else if let value = text.value(after: "path=") {
                guard CookieSyntax.isAttributeValue(value) else { throw invalid }
                sticky.path = String(value)
            } else if let value = text.value(after: "samesite=") {
                guard let sameSite = StickyCookieConfig.SameSite.allCases.first(where: {
                    $0.rawValue.lowercased() == value.lowercased()
                }) else { throw invalid }
                sticky.sameSite = sameSite
            } else if text == "httponly" {
                sticky.httpOnly = true
            } else if text == "secure" {
                sticky.secure = true
            } else {
                throw invalid
            }
        }
        builder.scopeUpstream.sticky = sticky
    }

    /// One method per block. nginx only warns and keeps the last one; a second method is
    /// almost always a merge mistake, so here it is an error.
    private static func setMethod(
        _ method: BalancerMethod, _ builder: inout ConfigBuilder, _ directive: Directive
    ) throws(ConfigError) {
        guard builder.scopeUpstream.methodLocation == nil else {
            throw ConfigError("load balancing method redefined", at: directive.location)
        }
        // nginx checks `backup` only on the server lines after the method; a backup written
        // before it would then be used by nothing but the round-robin fallback. Refused here.
        if !method.allowsBackup, let backup = builder.scopeUpstream.servers.first(where: \.backup) {
            throw backupNotSupported(at: backup.location)
        }
        builder.scopeUpstream.method = method
        builder.scopeUpstream.methodLocation = directive.location
    }

    private static func backupNotSupported(at location: SourceLocation) -> ConfigError {
        ConfigError("balancing method does not support parameter \"backup\"", at: location)
    }
}

extension ConfigBuilder {
    /// The `upstream {}` being read, in `stream {}` or `http {}` (the table allows the
    /// directives that use this only in those two blocks).
    var scopeUpstream: UpstreamConfig {
        get {
            context == .httpUpstream ? http.upstreams[http.upstreams.count - 1] : stream.upstreams[stream.upstreams.count - 1]
        }
        set {
            if context == .httpUpstream {
                http.upstreams[http.upstreams.count - 1] = newValue
            } else {
                stream.upstreams[stream.upstreams.count - 1] = newValue
            }
        }
    }
}
