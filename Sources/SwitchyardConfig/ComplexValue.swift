/// A piece of an argument that may mix text and variables, as nginx's script compiler splits it.
public enum ValuePart: Sendable, Hashable {
    case literal(String)
    /// The variable's name without `$` or braces; `$1` ... `$9` are regex captures named "1" ... "9".
    case variable(String)
}

/// An argument such as `$remote_addr:${port}x`, split into literal text and variable references
/// (nginx's "complex value"). The stream directives only validate with it today; the http
/// module will evaluate it.
///
/// Grammar, as `ngx_http_script_compile` accepts it:
///
///     value    = *( literal / variable )
///     variable = "$" ( DIGIT1-9 / name / "{" name "}" )
///     name     = 1*( ALPHA / DIGIT / "_" )
public struct ComplexValue: Sendable, Hashable {
    public var parts: [ValuePart]

    /// True when there is nothing to evaluate: the text can be used as is.
    public var isLiteral: Bool {
        parts.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    public init(parts: [ValuePart]) {
        self.parts = parts
    }

    public init(_ argument: Argument) throws(ConfigError) {
        try self.init(parsing: argument.text, location: argument.location)
    }

    public init(parsing text: String, location: SourceLocation? = nil) throws(ConfigError) {
        let bytes = Array(text.utf8)
        var parts: [ValuePart] = []
        var literalStart = 0
        var i = 0

        func invalidName() -> ConfigError {
            ConfigError("invalid variable name in \"\(text)\"", at: location)
        }

        while i < bytes.count {
            guard bytes[i] == ASCII.dollar else {
                i += 1
                continue
            }
            if literalStart < i {
                parts.append(.literal(String(decoding: bytes[literalStart..<i], as: UTF8.self)))
            }
            i += 1
            guard i < bytes.count else { throw invalidName() }

            if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[i]) {
                parts.append(.variable(String(UnicodeScalar(bytes[i]))))
                i += 1
                literalStart = i
                continue
            }

            let bracketed = bytes[i] == ASCII.openBrace
            if bracketed {
                i += 1
                guard i < bytes.count else { throw invalidName() }
            }
            let nameStart = i
            while i < bytes.count && NameBytes.isNameByte(bytes[i]) { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)

            if bracketed {
                guard i < bytes.count && bytes[i] == ASCII.closeBrace else {
                    throw ConfigError("the closing bracket in \"\(name)\" variable is missing", at: location)
                }
                i += 1
            }
            guard !name.isEmpty else { throw invalidName() }
            parts.append(.variable(name))
            literalStart = i
        }
        if literalStart < bytes.count {
            parts.append(.literal(String(decoding: bytes[literalStart...], as: UTF8.self)))
        }
        self.parts = parts
    }

}
