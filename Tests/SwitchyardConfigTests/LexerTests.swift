import Testing

@testable import SwitchyardConfig

struct LexerTests {
    private func tokens(_ text: String) throws -> [Token.Kind] {
        var lexer = Lexer(text: text, file: testFile)
        return try lexer.allTokens().map(\.kind)
    }

    private func words(_ text: String) throws -> [String] {
        try tokens(text).compactMap { if case .word(let text, _) = $0 { text } else { nil } }
    }

    private func error(_ text: String) -> String? {
        var lexer = Lexer(text: text, file: testFile)
        do {
            _ = try lexer.allTokens()
            return nil
        } catch {
            return error.description
        }
    }

    /// Words end at whitespace, `;` and `{`; braces and semicolons are tokens of their own.
    @Test func splitsWordsAndPunctuation() throws {
        #expect(
            try tokens("listen\t127.0.0.1:80;server{}")
                == [
                    .word("listen", quoted: false), .word("127.0.0.1:80", quoted: false), .semicolon,
                    .word("server", quoted: false), .blockStart, .blockEnd, .endOfFile,
                ])
    }

    /// Double quotes decode `\"`, `\\`, `\n`, `\r`, `\t` and record that the word was quoted.
    @Test func decodesEscapesInDoubleQuotes() throws {
        #expect(try tokens(#"x "a\"b\\c\nd\te\rf";"#)[1] == .word("a\"b\\c\nd\te\rf", quoted: true))
    }

    /// Single quotes keep double quotes literally and decode `\'`.
    @Test func singleQuotesKeepDoubleQuotes() throws {
        #expect(try tokens(#"x 'say "hi" it\'s';"#)[1] == .word("say \"hi\" it's", quoted: true))
    }

    /// A backslash before any other character is kept, as nginx keeps it (regexes rely on it).
    @Test func keepsOtherBackslashes() throws {
        #expect(try words(#"x "a\d+\.b";"#) == ["x", #"a\d+\.b"#])
    }

    /// An escaped space or semicolon does not end an unquoted word; the backslash stays.
    @Test func backslashProtectsSeparatorsInBareWords() throws {
        #expect(try words(#"x a\ b c\;d;"#) == ["x", #"a\ b"#, #"c\;d"#])
    }

    /// Empty quotes are an empty argument, not nothing.
    @Test func emptyQuotesAreAnEmptyWord() throws {
        #expect(try tokens("x \"\";")[1] == .word("", quoted: true))
    }

    /// `#` starts a comment only where a word could start; inside a word it is a character.
    @Test func commentsOnlyAtWordStart() throws {
        #expect(try words("a#b c # comment ; {\nd;") == ["a#b", "c", "d"])
    }

    /// `}` and `"` inside a word are ordinary, and `${name}` does not open a block.
    @Test func bracesAndQuotesInsideWords() throws {
        #expect(try words("x foo} a\"b ${var}x;") == ["x", "foo}", "a\"b", "${var}x"])
    }

    /// Lines are counted across comments, blank lines and newlines inside quotes; a quoted word
    /// reports the line of its opening quote.
    @Test func tracksLineNumbers() throws {
        var lexer = Lexer(text: "a # one\n\n\"multi\nline\" b\r\n  c;\n", file: testFile)
        let lines = try lexer.allTokens().map(\.line)
        #expect(lines == [1, 3, 4, 5, 5, 6])
    }

    /// A closing quote glued to the next character is nginx's `unexpected "x"`.
    @Test func quotedWordNeedsSeparator() {
        #expect(error("a\n\"b\"c;") == "unexpected \"c\" in conf/x.conf:2")
        #expect(error("a \"b\"}") == "unexpected \"}\" in conf/x.conf:1")
    }

    /// A closing quote may be followed by `;`, `{`, whitespace or `)`.
    @Test func quotedWordSeparators() throws {
        #expect(try tokens("a \"b\";")[2] == .semicolon)
        #expect(try tokens("a \"b\"{")[2] == .blockStart)
        #expect(try words("if ( \"b\")") == ["if", "(", "b", ")"])
    }

    /// An unterminated quote names the line where the quote was opened, not the end of the file.
    @Test func unterminatedQuoteReportsOpeningLine() {
        #expect(error("a;\nb 'x;\n\n\ny;\n") == "unterminated quoted string in conf/x.conf:2")
        #expect(error("a \"x\\\"") == "unterminated quoted string in conf/x.conf:1")
    }

    /// The end of input is reported with the line it is on.
    @Test func endOfFileLine() throws {
        var lexer = Lexer(text: "a;\n\n", file: testFile)
        #expect(try lexer.allTokens().last == Token(kind: .endOfFile, line: 3))
    }
}
