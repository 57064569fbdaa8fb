/// `upstream NAME { ... }` opens and closes the same way in `stream {}` and `http {}`; each
/// module keeps its own list.
enum UpstreamBlocks {
    static func open(_ upstreams: inout [UpstreamConfig], _ directive: Directive) throws(ConfigError) {
        let name = directive.args[0].text
        guard upstreams.named(name) == nil else {
            throw ConfigError("duplicate upstream \"\(name)\"", at: directive.location)
        }
        upstreams.append(UpstreamConfig(name: name, location: directive.location))
    }

    /// What every `upstream {}` must hold once its `}` is read.
    static func close(_ upstreams: [UpstreamConfig]) throws(ConfigError) {
        guard let upstream = upstreams.last else { return }
        if upstream.servers.isEmpty {
            throw ConfigError("no servers are inside upstream", at: upstream.location)
        }
        // Backups only stand in for primaries; nginx refuses a group that has none.
        if upstream.servers.allSatisfy(\.backup) {
            throw ConfigError("no servers in upstream \"\(upstream.name)\"", at: upstream.location)
        }
    }

    /// Compiles each `hash` key with the variables of its module, now that the whole block
    /// (every `map` included) is known.
    static func compiled(_ upstreams: [UpstreamConfig], by resolver: VariableResolver) throws(ConfigError) -> [UpstreamConfig] {
        var result = upstreams
        for index in result.indices {
            guard let key = result[index].pendingHashKey, case .hash(_, let consistent) = result[index].method else {
                continue
            }
            result[index].method = .hash(try resolver.compile(key), consistent: consistent)
            result[index].pendingHashKey = nil
        }
        return result
    }
}

extension Array where Element == UpstreamConfig {
    /// The upstream called `name`, compared ignoring case as nginx compares upstream names.
    func named(_ name: String) -> UpstreamConfig? {
        let wanted = name.lowercased()
        return first { $0.name.lowercased() == wanted }
    }
}
