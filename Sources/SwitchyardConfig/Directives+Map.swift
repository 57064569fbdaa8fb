/// `map SOURCE $NAME { ... }`. Inside the block, lines are key/value pairs, not directives
/// (nginx reads them with its own `cf->handler`): `default`, `hostnames` and `volatile` are
/// keywords, `~` / `~*` start a regex key, and `\` escapes a key that would be a keyword.
/// `include` has already been expanded by the parser.
enum MapDirectives {
    static func httpMap(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        try read(directive, scope: .http, into: &builder.http.maps)
    }

    /// nginx's stream map module: the same syntax, with the stream variables.
    static func streamMap(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        try read(directive, scope: .stream, into: &builder.stream.maps)
    }

    private static func read(_ directive: Directive, scope: VariableScope, into maps: inout [MapDraft]) throws(ConfigError) {
        let source = try PendingValue(directive.args[0])
        let target = directive.args[1]
        guard let name = target.text.suffix(after: "$"), name.utf8.allSatisfy(NameBytes.isNameByte) else {
            throw ConfigError("invalid variable name \"\(target.text)\"", at: target.location)
        }
        if VariableResolver.isBuiltin(name, in: scope) || maps.contains(where: { $0.name == name }) {
            throw ConfigError("the duplicate \"\(name)\" variable", at: target.location)
        }
        var draft = MapDraft(name: name, source: source, location: directive.location)
        for line in directive.block ?? [] {
            try draft.add(line)
        }
        maps.append(draft)
    }
}

/// A `map` while it is being read.
struct MapDraft {
    enum Key {
        case pattern(HostnameTable<CompiledValue>.Pattern)
        case regex(ConfigRegex)
    }

    var name: String
    var source: PendingValue
    var hostnames = false
    var isVolatile = false
    var defaultValue: PendingValue?
    var entries: [(key: Key, value: PendingValue)] = []
    var location: SourceLocation
    /// Exact and wildcard keys so far, to refuse the same key twice.
    private var seen: [HostnameTable<CompiledValue>.Pattern] = []

    init(name: String, source: PendingValue, location: SourceLocation) {
        self.name = name
        self.source = source
        self.location = location
    }

    var regexes: [ConfigRegex] {
        entries.compactMap { if case .regex(let regex) = $0.key { regex } else { nil } }
    }

    /// One line of the block; nginx's sentences for its mistakes.
    mutating func add(_ line: Directive) throws(ConfigError) {
        if line.block != nil { throw ConfigError("unexpected \"{\"", at: line.location) }
        var key = line.name
        if line.args.isEmpty && key == "hostnames" {
            hostnames = true
            return
        }
        if line.args.isEmpty && key == "volatile" {
            isVolatile = true
            return
        }
        guard line.args.count == 1 else {
            throw ConfigError("invalid number of the map parameters", at: line.location)
        }
        let value = try PendingValue(line.args[0])
        if key == "default" {
            guard defaultValue == nil else { throw ConfigError("duplicate default map parameter", at: line.location) }
            defaultValue = value
            return
        }
        if key.hasPrefix("~") {
            let caseInsensitive = key.hasPrefix("~*")
            let pattern = String(key.dropFirst(caseInsensitive ? 2 : 1))
            let regex = try ConfigRegex.compile(pattern, caseInsensitive: caseInsensitive, at: line.location)
            entries.append((.regex(regex), value))
            return
        }
        if key.hasPrefix("\\") { key.removeFirst() }

        let patterns: [HostnameTable<CompiledValue>.Pattern]
        if hostnames {
            guard let parsed = HostnameTable<CompiledValue>.patterns(for: key) else {
                throw ConfigError("invalid hostname or wildcard \"\(key)\"", at: line.location)
            }
            patterns = parsed
        } else {
            patterns = [.exact(key.lowercased())]
        }
        for pattern in patterns {
            guard !seen.contains(pattern) else {
                throw ConfigError("conflicting parameter \"\(key)\"", at: line.location)
            }
            seen.append(pattern)
            entries.append((.pattern(pattern), value))
        }
    }

    func compiled(by resolver: VariableResolver) throws(ConfigError) -> MapConfig {
        var map = MapConfig(
            name: name, source: try resolver.compile(source), hostnames: hostnames, isVolatile: isVolatile,
            defaultValue: try defaultValue.map { value throws(ConfigError) in try resolver.compile(value) }
                ?? CompiledValue(literal: ""),
            location: location)
        for (key, pending) in entries {
            let value = try resolver.compile(pending)
            switch key {
            case .pattern(let pattern): _ = map.add(pattern, value)
            case .regex(let regex): map.add(regex, value)
            }
        }
        return map
    }

    /// A map whose value depends on itself, directly or through other maps, would loop per
    /// request; nginx finds it at run time ("cycle while evaluating variable"), here at load.
    static func checkCycles(_ maps: [MapConfig]) throws(ConfigError) {
        let edges: [[Int]] = maps.map { map in
            (map.allValues + [map.source]).flatMap(\.variables).compactMap {
                if case .map(let index) = $0 { index } else { nil }
            }
        }
        // 0 unvisited, 1 on the current path, 2 done.
        var state = [UInt8](repeating: 0, count: maps.count)
        func visit(_ node: Int) -> Int? {
            state[node] = 1
            for next in edges[node] {
                if state[next] == 1 { return next }
                if state[next] == 0, let cycle = visit(next) { return cycle }
            }
            state[node] = 2
            return nil
        }
        for start in maps.indices where state[start] == 0 {
            if let looping = visit(start) {
                throw ConfigError(
                    "cycle while evaluating variable \"\(maps[looping].name)\"", at: maps[looping].location)
            }
        }
    }
}
