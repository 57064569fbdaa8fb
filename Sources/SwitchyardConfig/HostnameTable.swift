/// Exact names and wildcard names with nginx's precedence (`ngx_hash_find_combined`): an exact
/// name, then the longest leading wildcard (`*.example.org`), then the longest trailing
/// wildcard (`mail.*`). Used by `server_name` and by `map ... { hostnames; }`. Regular
/// expressions come after all of these and are kept by the callers, in config order.
struct HostnameTable<Value: Sendable>: Sendable {
    private var exact: [String: Value] = [:]
    /// `.example.org` for `*.example.org`, longest first.
    private var leading: [(suffix: String, value: Value)] = []
    /// `mail.` for `mail.*`, longest first.
    private var trailing: [(prefix: String, value: Value)] = []

    /// What one name of the configuration means, lowercased.
    enum Pattern: Equatable {
        case exact(String)
        /// The suffix including its leading dot.
        case leading(String)
        /// The prefix including its trailing dot.
        case trailing(String)
    }

    /// nginx's wildcard forms: `*.a.b`, `.a.b` (both `a.b` and `*.a.b`), `a.b.*`, else an exact
    /// name. nil for a `*` anywhere else, or a wildcard with nothing but the dot.
    static func patterns(for text: String) -> [Pattern]? {
        let name = text.lowercased()
        if name.hasPrefix("*.") {
            let suffix = String(name.dropFirst())
            guard suffix.count > 1, !suffix.dropFirst().contains("*") else { return nil }
            return [.leading(suffix)]
        }
        if name.hasSuffix(".*") {
            let prefix = String(name.dropLast())
            guard prefix.count > 1, !prefix.contains("*") else { return nil }
            return [.trailing(prefix)]
        }
        if name.hasPrefix(".") {
            guard name.count > 1, !name.contains("*") else { return nil }
            return [.exact(String(name.dropFirst())), .leading(name)]
        }
        guard !name.contains("*") else { return nil }
        return [.exact(name)]
    }

    /// Adds a pattern; false (and no change) when the same pattern is already there, which
    /// nginx reports as a conflict and ignores.
    @discardableResult
    mutating func add(_ pattern: Pattern, _ value: Value) -> Bool {
        switch pattern {
        case .exact(let name):
            guard exact[name] == nil else { return false }
            exact[name] = value
        case .leading(let suffix):
            guard !leading.contains(where: { $0.suffix == suffix }) else { return false }
            leading.append((suffix, value))
            leading.sort { $0.suffix.utf8.count > $1.suffix.utf8.count }
        case .trailing(let prefix):
            guard !trailing.contains(where: { $0.prefix == prefix }) else { return false }
            trailing.append((prefix, value))
            trailing.sort { $0.prefix.utf8.count > $1.prefix.utf8.count }
        }
        return true
    }

    /// Every value in the table, exact names first.
    var values: [Value] {
        Array(exact.values) + leading.map(\.value) + trailing.map(\.value)
    }

    /// `host` must already be lowercased. A wildcard needs at least one character in place of
    /// its `*`: `*.example.org` does not match `example.org`.
    func lookup(_ host: String) -> Value? {
        if let value = exact[host] { return value }
        let count = host.utf8.count
        if let hit = leading.first(where: { count > $0.suffix.utf8.count && host.hasSuffix($0.suffix) }) {
            return hit.value
        }
        if let hit = trailing.first(where: { count > $0.prefix.utf8.count && host.hasPrefix($0.prefix) }) {
            return hit.value
        }
        return nil
    }
}
