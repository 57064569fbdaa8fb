import Glibc

/// Chooses the location for a request URI in nginx's order (`ngx_http_core_find_location`,
/// https://nginx.org/en/docs/http/ngx_http_core_module.html#location):
///
/// 1. At one level, an exact `=` location equal to the URI ends the search.
/// 2. Otherwise the longest matching prefix (`/a`, `^~ /a`) is remembered, and the search
///    goes on inside it: its nested locations are searched the same way, and a result found
///    there (exact, or a nested regex) wins.
/// 3. Unless that prefix was `^~`, the regex locations of the level (`~`, `~*`) are tried in
///    config order; the first that matches wins, and its own nested locations are searched.
/// 4. Else the remembered prefix.
///
/// nginx's `auto_redirect`: when no location equals the URI but a `proxy_pass` location equals
/// the URI plus `/`, the answer is a 301 to that URI (`.redirectAddingSlash`).
///
/// Names compare byte for byte, as nginx does on Linux.
/// A class, not a struct: requests reach it through their server's boxed level, and a struct
/// read that way was copied per request with every table in it retained.
public final class LocationMatcher: Sendable {
    public enum Match: Sendable, Hashable {
        /// An index into `HTTPServerConfig.locations`, with the groups of the last regex that
        /// matched on the way (nil when none did).
        case location(Int, captures: RegexCaptures?)
        /// 301 to the URI with a `/` appended; the index is the location that caused it.
        case redirectAddingSlash(Int)
        /// No location matches: the server's own settings apply.
        case none
    }

    /// The locations directly inside one block (server or location).
    private struct Level: Sendable {
        var exact: [String: Int] = [:]
        /// Prefix and `^~` locations, longest first.
        /// Longest first, as bytes: compared with memcmp against the URI's UTF-8.
        var prefixes: [(name: [UInt8], index: Int)] = []
        /// Exact and prefix locations that redirect when the slash is missing, by name.
        var slashRedirects: [String: Int] = [:]
        var regexes: [(regex: ConfigRegex, index: Int)] = []
    }

    private enum Found {
        /// Exact match or regex: the search is over.
        case done(Int)
        case redirect(Int)
        /// A prefix matched; outer regexes may still win.
        case prefix(Int)
        case declined
    }

    private let top: Level
    /// `nested[i]`: the locations inside location `i`.
    private let nested: [Level]
    private let noRegex: [Bool]
    /// Locations with nothing nested in them: most, and no search to make inside.
    private let leaf: [Bool]

    /// `locations` flat, as `HTTPServerConfig.locations` holds them.
    public init(locations: [LocationConfig]) {
        var top = Level()
        var nested = Array(repeating: Level(), count: locations.count)
        noRegex = locations.map { $0.modifier == .prefixNoRegex }
        leaf = locations.indices.map { index in !locations.contains { $0.parent == index } }
        for (index, location) in locations.enumerated() {
            if let parent = location.parent {
                Self.add(location, index, to: &nested[parent])
            } else {
                Self.add(location, index, to: &top)
            }
        }
        self.top = top
        self.nested = nested
    }

    private static func add(_ location: LocationConfig, _ index: Int, to level: inout Level) {
        switch location.modifier {
        case .exact:
            level.exact[location.pattern] = level.exact[location.pattern] ?? index
        case .prefix, .prefixNoRegex:
            level.prefixes.append((Array(location.pattern.utf8), index))
            level.prefixes.sort { $0.name.count > $1.name.count }
        case .regex, .regexCaseInsensitive:
            if let regex = location.regex { level.regexes.append((regex, index)) }
            return
        }
        // An exact location wins the redirect over a prefix of the same name, as in nginx.
        if location.redirectsWithoutSlash, level.slashRedirects[location.pattern] == nil || location.modifier == .exact {
            level.slashRedirects[location.pattern] = index
        }
    }

    public func match(uri: String) -> Match {
        var captures: RegexCaptures?
        switch find(in: top, uri: uri, captures: &captures) {
        case .done(let index), .prefix(let index): return .location(index, captures: captures)
        case .redirect(let index): return .redirectAddingSlash(index)
        case .declined: return .none
        }
    }

    private func find(in level: Level, uri: String, captures: inout RegexCaptures?) -> Found {
        // Byte comparisons and no lookups in empty tables: String's Unicode-aware hasPrefix
        // and a hash of the URI cost more than the rest of routing together.
        if !level.exact.isEmpty, let index = level.exact[uri] { return .done(index) }

        var result = Found.declined
        var skipRegexes = false
        let longest = Self.longestPrefix(level.prefixes, of: uri)
        if !level.slashRedirects.isEmpty, longest?.name.count != uri.utf8.count, let index = level.slashRedirects[uri + "/"] {
            return .redirect(index)
        }
        if let longest {
            skipRegexes = noRegex[longest.index]
            if leaf[longest.index] {
                result = .prefix(longest.index)
            } else {
                switch find(in: nested[longest.index], uri: uri, captures: &captures) {
                case .done(let index): return .done(index)
                case .redirect(let index): return .redirect(index)
                case .prefix(let index): result = .prefix(index)
                case .declined: result = .prefix(longest.index)
                }
            }
        }
        guard !skipRegexes else { return result }

        for (regex, index) in level.regexes {
            guard let groups = regex.firstMatch(in: uri) else { continue }
            captures = groups
            switch find(in: nested[index], uri: uri, captures: &captures) {
            case .done(let inner), .prefix(let inner), .redirect(let inner): return .done(inner)
            case .declined: return .done(index)
            }
        }
        return result
    }

    private static func longestPrefix(_ prefixes: [(name: [UInt8], index: Int)], of uri: String) -> (name: [UInt8], index: Int)? {
        if prefixes.isEmpty { return nil }
        var uri = uri
        return uri.withUTF8 { bytes in
            for prefix in prefixes where prefix.name.count <= bytes.count {
                let same = prefix.name.withUnsafeBufferPointer { name in
                    name.isEmpty || memcmp(name.baseAddress!, bytes.baseAddress!, name.count) == 0
                }
                if same { return prefix }
            }
            return nil
        }
    }
}
