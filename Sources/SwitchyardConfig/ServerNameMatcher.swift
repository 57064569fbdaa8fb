/// Picks the server for a request among the servers of one listen address, in nginx's order
/// (https://nginx.org/en/docs/http/server_names.html):
///
/// 1. the exact name;
/// 2. the longest wildcard starting with an asterisk, `*.example.org`;
/// 3. the longest wildcard ending with an asterisk, `mail.*`;
/// 4. the first matching regular expression, in the order of the configuration;
/// 5. else the `default_server` of the address, else its first server.
///
/// When two servers of one address claim the same name, the first one keeps it (nginx warns
/// "conflicting server name" and ignores the second).
public struct ServerNameMatcher: Sendable {
    public struct Match: Sendable, Hashable {
        /// An index into `HTTPConfig.servers`.
        public var server: Int
        /// The groups of the server_name regex that chose the server, if one did.
        public var captures: RegexCaptures?

        public init(server: Int, captures: RegexCaptures? = nil) {
            self.server = server
            self.captures = captures
        }
    }

    private var names = HostnameTable<Int>()
    private var regexes: [(regex: ConfigRegex, server: Int)] = []
    public let defaultServer: Int
    /// Set when the address has one server and no regex names: every request goes to it
    /// whatever its Host, so the host need not even be read.
    public private(set) var onlyServer: Int?

    /// `servers` in config order, each with the names it declares.
    public init(servers: [(index: Int, names: [ServerName])], defaultServer: Int) {
        self.defaultServer = defaultServer
        for (index, serverNames) in servers {
            for name in serverNames {
                switch name {
                case .exact(let text): names.add(.exact(text), index)
                case .leadingWildcard(let suffix): names.add(.leading(suffix), index)
                case .trailingWildcard(let prefix): names.add(.trailing(prefix), index)
                case .regex(let regex): regexes.append((regex, index))
                }
            }
        }
        if servers.count == 1, servers[0].index == defaultServer, regexes.isEmpty { onlyServer = defaultServer }
    }

    /// `host` is the Host header (or the request line's authority) without its port. It is
    /// compared lowercased and without a trailing dot, as nginx validates it; `""` is a
    /// request without a Host.
    public func match(host: String) -> Match {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if let server = names.lookup(name) { return Match(server: server) }
        for (regex, server) in regexes {
            if let captures = regex.firstMatch(in: name) { return Match(server: server, captures: captures) }
        }
        return Match(server: defaultServer)
    }
}
