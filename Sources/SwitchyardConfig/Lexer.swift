/// Splits a configuration file into tokens the way `ngx_conf_read_token` does.
///
/// The rules nginx users rely on, all kept here:
/// - words end at whitespace, `;` or `{`; a `}` or `"` inside a word is an ordinary character;
/// - a quote opens a quoted word only at the start of a word, and the closing quote must be
///   followed by whitespace, `;`, `{` or `)` (`unexpected "x"` otherwise);
/// - a backslash protects the next character from ending the word, and `\"`, `\'`, `\\`,
///   `\n`, `\r`, `\t` are decoded; any other backslash is kept as written;
/// - `${` inside a word does not start a block, so `${name}` survives unquoted;
/// - `#` starts a comment only where a word could start.
///
/// The whole file is in memory (configuration files are small), so this is a plain pull
/// lexer rather than a resumable one.
struct Lexer {
    let file: String
    private let bytes: [UInt8]
    private var index = 0
    /// The current line, counted at every LF as nginx counts it.
    private(set) var line = 1
    /// Set after a closing quote: the next byte must separate the word from what follows.
    private var needSeparator = false

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    init(text: String, file: String) {
        self.init(bytes: Array(text.utf8), file: file)
    }

    mutating func next() throws(ConfigError) -> Token {
        if needSeparator {
            needSeparator = false
            try checkSeparatorAfterQuote()
        }
        skipWhitespaceAndComments()
        guard index < bytes.count else { return Token(kind: .endOfFile, line: line) }

        let byte = bytes[index]
        switch byte {
        case ASCII.semicolon:
            index += 1
            return Token(kind: .semicolon, line: line)
        case ASCII.openBrace:
            index += 1
            return Token(kind: .blockStart, line: line)
        case ASCII.closeBrace:
            index += 1
            return Token(kind: .blockEnd, line: line)
        case ASCII.doubleQuote, ASCII.singleQuote:
            return try quotedWord(closingWith: byte)
        default:
            return bareWord()
        }
    }

    /// Every remaining token up to and including `.endOfFile`; for tests and tools.
    mutating func allTokens() throws(ConfigError) -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .endOfFile { return tokens }
        }
    }

    private mutating func checkSeparatorAfterQuote() throws(ConfigError) {
        guard index < bytes.count else { return }
        switch bytes[index] {
        case ASCII.space, ASCII.tab, ASCII.cr, ASCII.lf, ASCII.semicolon, ASCII.openBrace:
            return
        case ASCII.closeParen:
            // nginx lets `)` close an `if ("$a" = "b")` condition; it then starts a word.
            return
        default:
            throw ConfigError("unexpected \"\(characterAt(index))\"", at: here)
        }
    }

    private mutating func skipWhitespaceAndComments() {
        while index < bytes.count {
            switch bytes[index] {
            case ASCII.space, ASCII.tab, ASCII.cr:
                index += 1
            case ASCII.lf:
                line += 1
                index += 1
            case ASCII.hash:
                while index < bytes.count && bytes[index] != ASCII.lf { index += 1 }
            default:
                return
            }
        }
    }

    private mutating func bareWord() -> Token {
        let startLine = line
        let start = index
        scan: while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case ASCII.space, ASCII.tab, ASCII.cr, ASCII.lf, ASCII.semicolon, ASCII.openBrace:
                break scan
            case ASCII.backslash:
                skipEscape()
            case ASCII.dollar:
                index += 1
                // `${var}`: this brace belongs to the variable, not to a block.
                if index < bytes.count && bytes[index] == ASCII.openBrace { index += 1 }
            default:
                index += 1
            }
        }
        let text = Self.decodeEscapes(bytes[start..<index])
        return Token(kind: .word(text, quoted: false), line: startLine)
    }

    private mutating func quotedWord(closingWith quote: UInt8) throws(ConfigError) -> Token {
        let startLine = line
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                let text = Self.decodeEscapes(bytes[start..<index])
                index += 1
                needSeparator = true
                return Token(kind: .word(text, quoted: true), line: startLine)
            }
            if byte == ASCII.backslash {
                skipEscape()
            } else {
                if byte == ASCII.lf { line += 1 }
                index += 1
            }
        }
        // nginx only notices at the end of the file; the opening quote is what the user must find.
        throw ConfigError("unterminated quoted string", at: SourceLocation(file: file, line: startLine))
    }

    /// Steps over a backslash and the byte it protects, still counting a protected newline.
    private mutating func skipEscape() {
        index += 1
        guard index < bytes.count else { return }
        if bytes[index] == ASCII.lf { line += 1 }
        index += 1
    }

    static func decodeEscapes(_ raw: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let byte = raw[i]
            if byte == ASCII.backslash && i + 1 < raw.endIndex {
                let escaped = raw[i + 1]
                let decoded: UInt8? =
                    switch escaped {
                    case ASCII.doubleQuote, ASCII.singleQuote, ASCII.backslash: escaped
                    case ASCII.letterN: ASCII.lf
                    case ASCII.letterR: ASCII.cr
                    case ASCII.letterT: ASCII.tab
                    default: nil
                    }
                if let decoded {
                    out.append(decoded)
                    i += 2
                    continue
                }
            }
            out.append(byte)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private var here: SourceLocation { SourceLocation(file: file, line: line) }

    /// The whole character at `offset`, so a stray `é` is reported as `é`, not as half of it.
    private func characterAt(_ offset: Int) -> String {
        let end = min(offset + 4, bytes.count)
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        return text.first.map(String.init) ?? ""
    }
}

/// The bytes the lexer cares about, named.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let doubleQuote: UInt8 = 0x22
    static let hash: UInt8 = 0x23
    static let dollar: UInt8 = 0x24
    static let singleQuote: UInt8 = 0x27
    static let closeParen: UInt8 = 0x29
    static let semicolon: UInt8 = 0x3B
    static let backslash: UInt8 = 0x5C
    static let letterN: UInt8 = 0x6E
    static let letterR: UInt8 = 0x72
    static let letterT: UInt8 = 0x74
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
}
