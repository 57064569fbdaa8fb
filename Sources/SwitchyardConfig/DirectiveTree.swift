// The parsed shape of a configuration before any directive is understood: what
// `ngx_conf_parse` hands each module, kept whole so tools and tests can look at it.

/// One argument of a directive, escapes decoded.
public struct Argument: Sendable, Hashable {
    public var text: String
    /// Whether it was written in quotes; `"on"` and `on` mean the same to a flag, but the
    /// distinction matters to anything that treats `$` specially.
    public var quoted: Bool
    public var location: SourceLocation

    public init(text: String, quoted: Bool = false, location: SourceLocation) {
        self.text = text
        self.quoted = quoted
        self.location = location
    }
}

/// `name arg ... ;` or `name arg ... { ... }`, with every `include` already expanded.
public struct Directive: Sendable, Hashable {
    public var name: String
    public var args: [Argument]
    /// The directives inside `{ }`; nil for a directive ended by `;`.
    public var block: [Directive]?
    /// Where the directive's name was written.
    public var location: SourceLocation

    public init(name: String, args: [Argument] = [], block: [Directive]? = nil, location: SourceLocation) {
        self.name = name
        self.args = args
        self.block = block
        self.location = location
    }
}
