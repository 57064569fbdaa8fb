/// Splits the addresses of `listen`, `server` (in `upstream`) and `proxy_pass` the way nginx's
/// `ngx_parse_url` does for TCP, without resolving names: that is Core's job, at bind or
/// connect time.
///
///     address = host ":" port / "[" ipv6 "]" ":" port / "*:" port / port   ; the last two: listen only
///     port    = 1*5DIGIT                                                    ; 1-65535
enum AddressSyntax {
    enum Role {
        /// `listen`: a bare port or `*` means every IPv4 address.
        case listen
        /// `server` in `upstream`, and `proxy_pass`: a host and a port are both required.
        case upstream
    }

    /// nginx's reasons (`u->err`), completed by the caller with where the address was written.
    enum Problem: Error, Equatable {
        case invalidHost
        case invalidPort
        case noPort
        case unixSocket

        var reason: String {
            switch self {
            case .invalidHost: "invalid host"
            case .invalidPort: "invalid port"
            case .noPort: "no port"
            case .unixSocket: "unix domain sockets are not supported"
            }
        }
    }

    static let wildcardHost = "0.0.0.0"

    static func parse(_ text: String, role: Role) -> Result<HostPort, Problem> {
        if text.hasPrefix("unix:") { return .failure(.unixSocket) }
        if text.hasPrefix("[") { return parseBracketed(text) }

        let colons = text.filter { $0 == ":" }.count
        guard colons <= 1 else { return .failure(.invalidHost) }  // IPv6 needs brackets, as in nginx

        guard let colon = text.firstIndex(of: ":") else {
            if role == .listen, text.utf8.allSatisfy({ Units.digitValue($0) != nil }) {
                return port(text).map { HostPort(host: wildcardHost, port: $0) }
            }
            return isHostName(text) ? .failure(.noPort) : .failure(.invalidHost)
        }

        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host == "*" && role == .listen {
            host = wildcardHost
        } else if !isHostName(host) {
            return .failure(.invalidHost)
        }
        return port(portText).map { HostPort(host: host, port: $0) }
    }

    private static func parseBracketed(_ text: String) -> Result<HostPort, Problem> {
        guard let close = text.firstIndex(of: "]") else { return .failure(.invalidHost) }
        let host = String(text[text.index(after: text.startIndex)..<close])
        guard isIPv6Literal(host) else { return .failure(.invalidHost) }
        let rest = text[text.index(after: close)...]
        guard !rest.isEmpty else { return .failure(.noPort) }
        guard rest.first == ":" else { return .failure(.invalidHost) }
        return port(rest.dropFirst()).map { HostPort(host: host, port: $0) }
    }

    private static func port(_ text: some StringProtocol) -> Result<Int, Problem> {
        guard let port = Units.number(text), (1...65535).contains(port) else { return .failure(.invalidPort) }
        return .success(port)
    }

    /// A DNS name or dotted IPv4 address; deliberately loose (underscores appear in real names).
    private static func isHostName(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    true
                default:
                    false
                }
            }
    }

    /// Hex groups, colons and an optional dotted IPv4 tail; inet_pton in Core has the last word.
    private static func isIPv6Literal(_ text: String) -> Bool {
        text.contains(":")
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                    UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: ":"), UInt8(ascii: "."):
                    true
                default:
                    false
                }
            }
    }
}

extension HostPort {
    /// `text` read as an upstream address (`host:port`, `[v6]:port`), as `proxy_pass` reads
    /// one; nil when it is not one. For values only known per connection.
    public init?(upstream text: String) {
        guard case .success(let parsed) = AddressSyntax.parse(text, role: .upstream) else { return nil }
        self = parsed
    }
}
