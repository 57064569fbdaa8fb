/// Setters for the main and `events {}` directives that are more than a slot.
enum MainDirectives {
    static func workerProcesses(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.workerProcesses == nil else { throw DirectiveErrors.duplicate(directive) }
        let value = directive.args[0].text
        if value == "auto" {
            builder.workerProcesses = .auto
        } else if let count = Units.number(value), count > 0 {
            builder.workerProcesses = .count(count)
        } else {
            throw DirectiveErrors.invalidValue(directive, mustBe: "\"auto\" or a positive number")
        }
    }

    /// `error_log PATH [LEVEL]`. nginx logs to every `error_log` of a block; Switchyard keeps
    /// one log per block, so a later line replaces an earlier one instead of being a duplicate.
    static func errorLog(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        var log = ErrorLogConfig(path: directive.args[0].text)
        if directive.args.count == 2 {
            let name = directive.args[1].text
            guard let level = LogLevel.allCases.first(where: { $0.name == name }) else {
                throw ConfigError("invalid log level \"\(name)\"", at: directive.args[1].location)
            }
            log.level = level
        }
        builder.scopeErrorLog = log
    }

    static func openEvents(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.eventsLocation == nil else { throw DirectiveErrors.duplicate(directive) }
        builder.eventsLocation = directive.location
    }

    static func closeEvents(_ builder: inout ConfigBuilder) throws(ConfigError) {}

    /// `use METHOD`: Switchyard has one event method.
    static func use(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard builder.eventMethod == nil else { throw DirectiveErrors.duplicate(directive) }
        let method = directive.args[0].text
        guard method == "epoll" else {
            throw ConfigError("invalid event type \"\(method)\"", at: directive.args[0].location)
        }
        builder.eventMethod = method
    }
}
