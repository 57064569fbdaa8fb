import SwitchyardConfig
import SwitchyardReactor

/// One upstream server after name resolution: a name resolving to several addresses gives
/// several peers, as in nginx.
public struct PeerSpec: Sendable {
    public var address: SocketAddress
    /// As written in the config (`backend:8080`), for logs.
    public var name: String
    public var weight: Int
    public var maxFails: Int
    public var failTimeoutMs: Int64
    public var backup: Bool
    public var down: Bool
    /// `max_conns=N`: at most N connections open at once, across workers; 0 means no limit.
    public var maxConns: Int
    /// The address as logs and `$upstream_addr` print it, formatted once at load.
    public var addressText: String

    public init(address: SocketAddress, name: String, weight: Int, maxFails: Int, failTimeoutMs: Int64,
                backup: Bool, down: Bool, maxConns: Int = 0) {
        self.address = address
        self.name = name
        self.weight = weight
        self.maxFails = maxFails
        self.failTimeoutMs = failTimeoutMs
        self.backup = backup
        self.down = down
        self.maxConns = maxConns
        self.addressText = address.description
    }
}

public struct UpstreamGroupSpec: Sendable {
    public let name: String
    public let peers: [PeerSpec]
    /// How peers are chosen; round robin when the block names no method.
    public let method: BalancerMethod
    /// `sticky cookie` (http upstream blocks only).
    public let sticky: StickyCookieConfig?
    /// `keepalive N` and companions (http upstream blocks only).
    public var keepalive: UpstreamKeepaliveConfig? = nil
    /// Active connections per peer: one per snapshot, shared by every worker's copy of the
    /// group (`least_conn`, `random two`, `max_conns`).
    public let load: UpstreamLoad
    /// `health_check` of the block: probed by the one `HealthChecker`, nil for none.
    public let healthCheck: HealthCheckConfig?
    /// What the probes decided per peer: one per snapshot, shared like `load`; nil without
    /// `health_check` (a group made per request by `proxy_pass $var` allocates nothing).
    public let health: UpstreamHealth?
    /// `hash KEY consistent`'s ring, built once per snapshot.
    let ring: ConsistentHashRing?
    /// The ids `sticky cookie` names peers by.
    let stickyIDs: StickyIDs?

    public init(
        name: String, peers: [PeerSpec], method: BalancerMethod = .roundRobin, sticky: StickyCookieConfig? = nil,
        keepalive: UpstreamKeepaliveConfig? = nil, healthCheck: HealthCheckConfig? = nil
    ) {
        self.name = name
        self.peers = peers
        self.method = method
        self.sticky = sticky
        self.keepalive = keepalive
        self.healthCheck = healthCheck
        self.load = UpstreamLoad(peerCount: peers.count)
        self.health = healthCheck == nil ? nil : UpstreamHealth(peerCount: peers.count)
        if case .hash(_, consistent: true) = method {
            ring = ConsistentHashRing(peers: peers)
        } else {
            ring = nil
        }
        stickyIDs = sticky == nil ? nil : StickyIDs(group: name, peers: peers)
    }

    /// The value a sticky cookie carries for `peer`, nil without `sticky cookie`.
    func stickyID(of peer: Int) -> String? {
        stickyIDs?.ids[peer]
    }
}

public enum StreamRoute: Sendable {
    case echo
    case upstream(groupIndex: Int)
    /// `proxy_pass $name`: an upstream block's name or an `IP:port`, known per connection.
    case variable(CompiledValue)
}

public struct StreamServerRuntime: Sendable {
    public var config: StreamServerConfig
    public var route: StreamRoute
}

public struct ListenerSpec: Sendable {
    public var address: SocketAddress
    public var backlog: Int
    /// The stream server of this address (stream listeners).
    public var serverIndex: Int
    /// The `HTTPConfig.listenGroups` entry of this address (http listeners).
    public var httpGroup: Int?
    public var location: SourceLocation
    /// On a hybrid port, where the stream server's `listen` was written.
    public var streamLocation: SourceLocation?

    /// The address is in an http server and a stream server: classify each connection.
    public var isHybrid: Bool { httpGroup != nil && serverIndex >= 0 }

    public init(address: SocketAddress, backlog: Int, serverIndex: Int, httpGroup: Int? = nil, location: SourceLocation) {
        self.address = address
        self.backlog = backlog
        self.serverIndex = serverIndex
        self.httpGroup = httpGroup
        self.location = location
    }
}

/// The configuration with every address resolved, ready for loops: immutable and shared.
/// A reload builds a new one; live sessions keep the one they started with.
public final class RuntimeSnapshot: Sendable {
    public let config: Configuration
    public let listeners: [ListenerSpec]
    public let streamServers: [StreamServerRuntime]
    public let upstreams: [UpstreamGroupSpec]
    /// Stream upstream blocks by lowercased name (nginx compares them ignoring case), for
    /// `proxy_pass $name`.
    public let streamGroupIndex: [String: Int]
    /// The upstream groups `proxy_pass` in `http {}` uses: every `upstream` block, then one
    /// implicit group per literal address.
    public let httpUpstreams: [UpstreamGroupSpec]
    public let httpTargets: [HTTPUpstreamTarget: Int]
    /// http upstream blocks by lowercased name, for `proxy_pass http://$name`.
    public let httpGroupIndex: [String: Int]
    /// Each http server's and location's settings and header lists, ready for requests:
    /// `[server][0]` is the server, `[server][i + 1]` its location `i`.
    let httpLevels: [[HTTPLevel]]
    /// The http block, boxed: sessions reach it through one reference instead of holding a
    /// copy of the struct (a retain and a release of every list in it per connection).
    let httpBlock: HTTPBlock?

    final class HTTPBlock: Sendable {
        let config: HTTPConfig
        init(_ config: HTTPConfig) { self.config = config }
    }

    public init(config: Configuration) throws(ConfigError) {
        self.config = config
        var listeners: [ListenerSpec] = []
        var servers: [StreamServerRuntime] = []
        var groups: [UpstreamGroupSpec] = []
        (httpUpstreams, httpTargets) = try Self.httpGroups(config.http)
        var httpByName: [String: Int] = [:]
        for upstream in config.http?.upstreams ?? [] {
            if let index = httpTargets[.upstream(upstream.name)] { httpByName[upstream.name.lowercased()] = index }
        }
        httpGroupIndex = httpByName
        httpLevels = HTTPLevel.levels(for: config.http, targets: httpTargets)
        httpBlock = config.http.map(HTTPBlock.init)
        if let http = config.http {
            for (index, group) in http.listenGroups.enumerated() {
                let address = try Self.resolve(group.address, what: "listen", at: group.options.location, wildcard: true)[0]
                listeners.append(ListenerSpec(address: address, backlog: group.options.backlog, serverIndex: -1,
                                              httpGroup: index, location: group.options.location))
            }
        }
        guard let stream = config.stream else {
            self.listeners = listeners
            self.streamServers = []
            self.upstreams = []
            self.streamGroupIndex = [:]
            return
        }
        for upstream in stream.upstreams {
            var peers: [PeerSpec] = []
            for server in upstream.servers {
                for address in try Self.resolve(server.address, what: "upstream", at: server.location) {
                    peers.append(PeerSpec(
                        address: address, name: server.address.description, weight: server.weight,
                        maxFails: server.maxFails, failTimeoutMs: server.failTimeout.milliseconds,
                        backup: server.backup, down: server.down, maxConns: server.maxConns))
                }
            }
            groups.append(UpstreamGroupSpec(name: upstream.name, peers: peers, method: upstream.method,
                                            healthCheck: upstream.healthCheck))
        }
        var byName: [String: Int] = [:]
        for (index, group) in groups.enumerated() {
            byName[group.name.lowercased()] = index
        }
        self.streamGroupIndex = byName
        for (index, server) in stream.servers.enumerated() {
            let route: StreamRoute
            switch server.handler {
            case .echo:
                route = .echo
            case .variable(let value):
                route = .variable(value)
            case .upstream(let name):
                guard let found = groups.firstIndex(where: { $0.name == name }) else {
                    throw ConfigError(message: "no upstream \"\(name)\"", location: server.location)
                }
                route = .upstream(groupIndex: found)
            case .address(let hostPort):
                let peers = try Self.resolve(hostPort, what: "upstream", at: server.location).map {
                    PeerSpec(address: $0, name: hostPort.description, weight: 1, maxFails: 1,
                             failTimeoutMs: 10_000, backup: false, down: false)
                }
                groups.append(UpstreamGroupSpec(name: hostPort.description, peers: peers))
                route = .upstream(groupIndex: groups.count - 1)
            }
            servers.append(StreamServerRuntime(config: server, route: route))
            for listen in server.listens {
                for address in try Self.resolve(listen.address, what: "listen", at: listen.location, wildcard: true) {
                    if let shared = listeners.firstIndex(where: { $0.address == address && $0.httpGroup != nil }) {
                        // The same address in http and stream: a hybrid port. Its first bytes
                        // decide: HTTP goes to the http servers, everything else here.
                        listeners[shared].serverIndex = index
                        listeners[shared].streamLocation = listen.location
                        continue
                    }
                    listeners.append(ListenerSpec(address: address, backlog: listen.backlog, serverIndex: index, location: listen.location))
                }
            }
        }
        self.listeners = listeners
        self.streamServers = servers
        self.upstreams = groups
    }

    /// Resolves the upstream blocks of `http {}` and every literal `proxy_pass` address.
    private static func httpGroups(_ http: HTTPConfig?) throws(ConfigError) -> ([UpstreamGroupSpec], [HTTPUpstreamTarget: Int]) {
        guard let http else { return ([], [:]) }
        var groups: [UpstreamGroupSpec] = []
        var targets: [HTTPUpstreamTarget: Int] = [:]
        for upstream in http.upstreams {
            var peers: [PeerSpec] = []
            for server in upstream.servers {
                for address in try resolve(server.address, what: "upstream", at: server.location) {
                    peers.append(PeerSpec(address: address, name: server.address.description, weight: server.weight,
                                          maxFails: server.maxFails, failTimeoutMs: server.failTimeout.milliseconds,
                                          backup: server.backup, down: server.down, maxConns: server.maxConns))
                }
            }
            targets[.upstream(upstream.name)] = groups.count
            groups.append(UpstreamGroupSpec(name: upstream.name, peers: peers, method: upstream.method,
                                            sticky: upstream.sticky, keepalive: upstream.keepalive,
                                            healthCheck: upstream.healthCheck))
        }
        for server in http.servers {
            for location in server.locations {
                guard let proxyPass = location.proxyPass else { continue }
                switch proxyPass.target {
                case .variable:
                    continue  // chosen per request, among the blocks above or an IP address
                case .upstream(let name):
                    guard targets[.upstream(name)] == nil else { continue }
                    if let found = http.upstream(named: name), let index = groups.firstIndex(where: { $0.name == found.name }) {
                        targets[.upstream(name)] = index
                    } else {
                        throw ConfigError(message: "no upstream \"\(name)\"", location: proxyPass.location)
                    }
                case .address(let hostPort):
                    guard targets[.address(hostPort)] == nil else { continue }
                    let peers = try resolve(hostPort, what: "upstream", at: proxyPass.location).map {
                        PeerSpec(address: $0, name: hostPort.description, weight: 1, maxFails: 1,
                                 failTimeoutMs: 10_000, backup: false, down: false)
                    }
                    targets[.address(hostPort)] = groups.count
                    groups.append(UpstreamGroupSpec(name: hostPort.description, peers: peers))
                }
            }
        }
        return (groups, targets)
    }

    private static func resolve(_ hostPort: HostPort, what: String, at location: SourceLocation, wildcard: Bool = false) throws(ConfigError) -> [SocketAddress] {
        var host = hostPort.host
        if wildcard && (host == "*" || host.isEmpty) { host = "0.0.0.0" }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        do {
            let found = try SocketAddress.resolve(host: host, port: hostPort.port)
            if found.isEmpty { throw SysError("getaddrinfo", errno: 2) }
            // A listener binds one address: nginx takes the first a name resolves to.
            return wildcard ? [found[0]] : found
        } catch {
            throw ConfigError(message: "host not found in \(what) \"\(hostPort)\"", location: location)
        }
    }
}
