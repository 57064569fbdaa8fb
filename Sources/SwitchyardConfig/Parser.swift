/// Builds the directive tree of one file from its tokens, handing each `include` to the
/// `IncludeExpander` so the included directives land where the `include` was written.
///
/// Grammar errors use `ngx_conf_parse`'s sentences. An included file is parsed as a file of its
/// own, as in nginx: it cannot close a block opened by the file that includes it.
struct Parser {
    private var lexer: Lexer

    init(lexer: Lexer) {
        self.lexer = lexer
    }

    mutating func parseFile(includes: inout IncludeExpander) throws(ConfigError) -> [Directive] {
        try parseDirectives(insideBlock: false, includes: &includes)
    }

    private mutating func parseDirectives(
        insideBlock: Bool, includes: inout IncludeExpander
    ) throws(ConfigError) -> [Directive] {
        var directives: [Directive] = []
        var words: [Argument] = []
        while true {
            let token = try lexer.next()
            let location = SourceLocation(file: lexer.file, line: token.line)
            switch token.kind {
            case .word(let text, let quoted):
                words.append(Argument(text: text, quoted: quoted, location: location))

            case .semicolon:
                guard let name = words.first else { throw ConfigError("unexpected \";\"", at: location) }
                let directive = Directive(name: name.text, args: Array(words.dropFirst()), location: name.location)
                words.removeAll()
                if directive.name == IncludeExpander.directiveName {
                    directives += try includes.expand(directive)
                } else {
                    directives.append(directive)
                }

            case .blockStart:
                guard let name = words.first else { throw ConfigError("unexpected \"{\"", at: location) }
                if name.text == IncludeExpander.directiveName {
                    throw ConfigError("directive \"include\" is not terminated by \";\"", at: name.location)
                }
                let args = Array(words.dropFirst())
                words.removeAll()
                let block = try parseDirectives(insideBlock: true, includes: &includes)
                directives.append(Directive(name: name.text, args: args, block: block, location: name.location))

            case .blockEnd:
                guard words.isEmpty, insideBlock else { throw ConfigError("unexpected \"}\"", at: location) }
                return directives

            case .endOfFile:
                if !words.isEmpty {
                    throw ConfigError("unexpected end of file, expecting \";\" or \"}\"", at: location)
                }
                if insideBlock {
                    throw ConfigError("unexpected end of file, expecting \"}\"", at: location)
                }
                return directives
            }
        }
    }
}
