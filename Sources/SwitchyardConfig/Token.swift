/// One lexical unit of nginx's configuration language.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A directive name or argument, escapes already decoded. `quoted` remembers the
        /// quotes because a later consumer may care ("on" in quotes is still a flag in nginx,
        /// but a quoted `$` is the http module's business).
        case word(String, quoted: Bool)
        case semicolon
        case blockStart
        case blockEnd
        case endOfFile
    }

    var kind: Kind
    /// The line the token starts on; for a quoted word, the line of its opening quote.
    var line: Int
}
