/// Walks the directive tree and applies each directive through its table row, checking it the
/// way `ngx_conf_handler` does, in the same order: known name, allowed context, block or `;`,
/// argument count, then the setter.
enum DirectiveInterpreter {
    static func apply(_ directives: [Directive], to builder: inout ConfigBuilder) throws(ConfigError) {
        for directive in directives {
            try apply(directive, to: &builder)
        }
    }

    static func apply(_ directive: Directive, to builder: inout ConfigBuilder) throws(ConfigError) {
        let spec = try DirectiveTable.spec(for: directive, in: builder.context)
        if spec.takesBlock && directive.block == nil { throw DirectiveErrors.noOpeningBrace(directive) }
        if !spec.takesBlock && directive.block != nil { throw DirectiveErrors.notTerminated(directive) }
        guard spec.arity.accepts(directive.args.count) else { throw DirectiveErrors.argumentCount(directive) }

        switch spec.action {
        case .flag(let field):
            try store(at: field, directive, &builder) { text throws(ConfigError) in
                switch text.lowercased() {
                case "on": return true
                case "off": return false
                default: throw DirectiveErrors.invalidFlag(directive)
                }
            }
        case .number(let field, let minimum):
            try store(at: field, directive, &builder) { text throws(ConfigError) in
                guard let number = Units.number(text) else { throw DirectiveErrors.invalidNumber(directive) }
                guard number >= minimum else { throw DirectiveErrors.tooSmall(directive, minimum: minimum) }
                return number
            }
        case .time(let field):
            try store(at: field, directive, &builder) { text throws(ConfigError) in
                guard let time = Units.time(text, base: .milliseconds) else {
                    throw DirectiveErrors.invalidValue(directive)
                }
                return time
            }
        case .size(let field):
            try store(at: field, directive, &builder) { text throws(ConfigError) in
                guard let size = Units.size(text) else { throw DirectiveErrors.invalidValue(directive) }
                return size
            }
        case .string(let field):
            try store(at: field, directive, &builder) { text in text }
        case .custom(let handler), .rawBlock(let handler):
            try handler(&builder, directive)
        case .block(let inner, let open, let close):
            try open(&builder, directive)
            let outer = builder.context
            builder.context = inner
            try apply(directive.block ?? [], to: &builder)
            builder.context = outer
            try close(&builder)
        }
    }

    /// A slot setter: refuse a second value in the same block (checked first, as nginx does),
    /// then parse the single argument and store it.
    private static func store<Value>(
        at field: WritableKeyPath<ConfigBuilder, Value?>, _ directive: Directive, _ builder: inout ConfigBuilder,
        parse: (String) throws(ConfigError) -> Value
    ) throws(ConfigError) {
        guard builder[keyPath: field] == nil else { throw DirectiveErrors.duplicate(directive) }
        builder[keyPath: field] = try parse(directive.args[0].text)
    }
}
