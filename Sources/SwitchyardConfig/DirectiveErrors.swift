/// nginx's sentences for directive errors (`ngx_conf_handler`, `ngx_conf_set_*_slot`), in one
/// place so every setter words the same mistake the same way.
enum DirectiveErrors {
    static func unknown(_ directive: Directive, suggestion: String?) -> ConfigError {
        let hint = suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""
        return ConfigError("unknown directive \"\(directive.name)\"\(hint)", at: directive.location)
    }

    static func notAllowedHere(_ directive: Directive) -> ConfigError {
        ConfigError("\"\(directive.name)\" directive is not allowed here", at: directive.location)
    }

    static func noOpeningBrace(_ directive: Directive) -> ConfigError {
        ConfigError("directive \"\(directive.name)\" has no opening \"{\"", at: directive.location)
    }

    static func notTerminated(_ directive: Directive) -> ConfigError {
        ConfigError("directive \"\(directive.name)\" is not terminated by \";\"", at: directive.location)
    }

    static func argumentCount(_ directive: Directive) -> ConfigError {
        ConfigError("invalid number of arguments in \"\(directive.name)\" directive", at: directive.location)
    }

    static func duplicate(_ directive: Directive) -> ConfigError {
        ConfigError("\"\(directive.name)\" directive is duplicate", at: directive.location)
    }

    /// What nginx says for an unparsable size or time.
    static func invalidValue(_ directive: Directive) -> ConfigError {
        ConfigError("\"\(directive.name)\" directive invalid value", at: directive.location)
    }

    static func invalidNumber(_ directive: Directive) -> ConfigError {
        ConfigError("\"\(directive.name)\" directive invalid number", at: directive.location)
    }

    static func tooSmall(_ directive: Directive, minimum: Int) -> ConfigError {
        invalidValue(directive, mustBe: "at least \(minimum)")
    }

    static func invalidFlag(_ directive: Directive) -> ConfigError {
        invalidValue(directive, mustBe: "\"on\" or \"off\"")
    }

    /// nginx's flag sentence, reused for every value with a stated range.
    static func invalidValue(_ directive: Directive, mustBe expectation: String) -> ConfigError {
        let value = directive.args.first?.text ?? ""
        return ConfigError(
            "invalid value \"\(value)\" in \"\(directive.name)\" directive, it must be \(expectation)",
            at: directive.location)
    }
}
