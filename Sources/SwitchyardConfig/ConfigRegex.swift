/// A regular expression of the configuration (`location ~`, `server_name ~`, map `~` keys),
/// compiled once at load with the standard library's `Regex`, and matched the way nginx runs
/// PCRE: a search anywhere in the subject unless the pattern anchors itself.
public struct ConfigRegex: @unchecked Sendable, Hashable, CustomStringConvertible {
    // Why `@unchecked Sendable` is safe: `Regex` is not declared Sendable only because its
    // generic `Output` might not be. Ours is `AnyRegexOutput`, built fresh per match and never
    // shared. The regex itself is immutable after `init`; its one lazily built part (the
    // lowered program, published inside _StringProcessing with an atomic compare-exchange)
    // is forced in `init` by a match against "", so no thread ever builds it concurrently.
    private let regex: Regex<AnyRegexOutput>

    /// The pattern as written, without `~` / `~*`.
    public let pattern: String
    public let caseInsensitive: Bool
    /// Names of the named groups, `(?<name>...)`, `(?P<name>...)` or `(?'name'...)`, in order.
    public let captureNames: [String]

    /// Compiles `pattern`; nil when the standard library refuses it.
    public init?(_ pattern: String, caseInsensitive: Bool) {
        guard let compiled = try? Regex(pattern) else { return nil }
        self.init(compiled: compiled, pattern: pattern, caseInsensitive: caseInsensitive)
    }

    private init(compiled: Regex<AnyRegexOutput>, pattern: String, caseInsensitive: Bool) {
        regex = caseInsensitive ? compiled.ignoresCase() : compiled
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        captureNames = Self.groupNames(in: pattern).filter { compiled.contains(captureNamed: $0) }
        _ = "".firstMatch(of: regex)
    }

    /// The groups of the first match anywhere in `subject`, or nil when it does not match.
    public func firstMatch(in subject: String) -> RegexCaptures? {
        guard let match = subject.firstMatch(of: regex) else { return nil }
        var groups: [String?] = []
        var named: [String: String] = [:]
        for element in match.output {
            let text = element.substring.map(String.init)
            groups.append(text)
            if let name = element.name, let text { named[name] = text }
        }
        return RegexCaptures(groups: groups, named: named)
    }

    public var description: String { (caseInsensitive ? "~*" : "~") + pattern }

    public static func == (a: ConfigRegex, b: ConfigRegex) -> Bool {
        a.pattern == b.pattern && a.caseInsensitive == b.caseInsensitive
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(caseInsensitive)
    }

    /// The names after `(?<`, `(?P<` and `(?'` outside character classes and escapes; the
    /// compiled regex confirms each one, so a lookbehind `(?<=` is never mistaken for a name.
    private static func groupNames(in pattern: String) -> [String] {
        let bytes = Array(pattern.utf8)
        var names: [String] = []
        var i = 0
        var inClass = false
        while i < bytes.count {
            let byte = bytes[i]
            if byte == ASCII.backslash {
                i += 2
                continue
            }
            if inClass {
                if byte == UInt8(ascii: "]") { inClass = false }
                i += 1
                continue
            }
            if byte == UInt8(ascii: "[") {
                inClass = true
                i += 1
                continue
            }
            if byte == UInt8(ascii: "("), i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "?") {
                var start = i + 2
                if bytes[start] == UInt8(ascii: "P") { start += 1 }
                if start < bytes.count, bytes[start] == UInt8(ascii: "<") || bytes[start] == ASCII.singleQuote {
                    var end = start + 1
                    while end < bytes.count, NameBytes.isNameByte(bytes[end]) { end += 1 }
                    if end > start + 1 {
                        names.append(String(decoding: bytes[(start + 1)..<end], as: UTF8.self))
                    }
                }
            }
            i += 1
        }
        return names
    }

}

/// The groups of one match: `groups[0]` is the whole match, `groups[n]` is `$n` (nil when the
/// group took no part in the match); `named` holds the named groups that matched.
public struct RegexCaptures: Sendable, Hashable {
    public var groups: [String?]
    public var named: [String: String]

    public init(groups: [String?], named: [String: String] = [:]) {
        self.groups = groups
        self.named = named
    }

    /// `$n`, empty when the group does not exist or did not match (nginx's behaviour).
    public func group(_ n: Int) -> String {
        n < groups.count ? groups[n] ?? "" : ""
    }
}

extension ConfigRegex {
    /// Compiles a regex argument or fails with a sentence naming it, at its line.
    static func compile(
        _ pattern: String, caseInsensitive: Bool, at location: SourceLocation
    ) throws(ConfigError) -> ConfigRegex {
        // The standard library's reason, e.g. "lookbehind is not currently supported": its
        // syntax is PCRE's minus a few features, and the user needs to know which one.
        do {
            return ConfigRegex(compiled: try Regex(pattern), pattern: pattern, caseInsensitive: caseInsensitive)
        } catch {
            throw ConfigError("invalid regular expression \"\(pattern)\": \(error)", at: location)
        }
    }
}
