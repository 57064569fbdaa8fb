/// Setters for the `stream {}` directives that are more than a slot.
enum StreamDirectives {
    static func openStream(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.stream.location == nil else { throw DirectiveErrors.duplicate(directive) }
        builder.stream.location = directive.location
    }

    static func closeStream(_ builder: inout ConfigBuilder) throws(ConfigError) {}

    static func openUpstream(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        try UpstreamBlocks.open(&builder.stream.upstreams, directive)
    }

    static func closeUpstream(_ builder: inout ConfigBuilder) throws(ConfigError) {
        try UpstreamBlocks.close(builder.stream.upstreams)
    }

    static func openServer(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        builder.stream.servers.append(StreamServerDraft(location: directive.location))
    }

    static func closeServer(_ builder: inout ConfigBuilder) throws(ConfigError) {
        guard let server = builder.stream.servers.last else { return }
        guard !server.listens.isEmpty else {
            throw ConfigError("no \"listen\" is defined for server", at: server.location)
        }
        guard server.handler != nil else { throw StreamServerDraft.noHandler(at: server.location) }
    }

    /// `listen ADDR [reuseport] [backlog=N];`
    static func listen(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let addressArgument = directive.args[0]
        let address: HostPort
        switch AddressSyntax.parse(addressArgument.text, role: .listen) {
        case .success(let hostPort):
            address = hostPort
        case .failure(let problem):
            throw ConfigError(
                "\(problem.reason) in \"\(addressArgument.text)\" of the \"listen\" directive",
                at: addressArgument.location)
        }

        var listen = ListenConfig(address: address, location: directive.location)
        for parameter in directive.args.dropFirst() {
            let text = parameter.text
            if text == "reuseport" {
                listen.reuseport = true
            } else if let value = text.value(after: "backlog=") {
                guard let backlog = Units.number(value), backlog > 0 else {
                    throw ConfigError("invalid backlog \"\(text)\"", at: parameter.location)
                }
                listen.backlog = backlog
            } else {
                throw ConfigError("invalid parameter \"\(text)\"", at: parameter.location)
            }
        }

        guard builder.stream.listenAddresses.insert(address).inserted else {
            throw ConfigError("duplicate \"\(address)\" address and port pair", at: directive.location)
        }
        builder.stream.servers[builder.stream.servers.count - 1].listens.append(listen)
    }

    /// `proxy_pass NAME | ADDR;` Whether NAME is an upstream is decided when `stream {}` is
    /// complete, since the upstream may be declared after the server.
    /// With variables, the value is checked now and its names resolved with the other values
    /// of `stream {}`; it is evaluated per connection.
    static func proxyPass(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        let value = try PendingValue(directive.args[0])
        try setHandler(value.value.isLiteral ? .proxyPass(directive.args[0]) : .variable(value), &builder, directive)
    }

    /// `echo;`: the built-in demo upstream that sends every byte back.
    static func echo(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        try setHandler(.echo, &builder, directive)
    }

    private static func setHandler(
        _ handler: PendingHandler, _ builder: inout ConfigBuilder, _ directive: Directive
    ) throws(ConfigError) {
        let index = builder.stream.servers.count - 1
        if let existing = builder.stream.servers[index].handler {
            guard existing.directiveName != handler.directiveName else { throw DirectiveErrors.duplicate(directive) }
            throw ConfigError(
                "\"\(handler.directiveName)\" cannot be combined with \"\(existing.directiveName)\" in one server",
                at: directive.location)
        }
        builder.stream.servers[index].handler = handler
    }
}

extension String {
    /// The text after `prefix` when the string starts with it: `"weight=3".value(after: "weight=")`.
    func value(after prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
