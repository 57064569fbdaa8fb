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
}

public struct UpstreamGroupSpec: Sendable {
    public var name: String
    public var peers: [PeerSpec]
}

public enum StreamRoute: Sendable {
    case echo
    case upstream(groupIndex: Int)
}

public struct StreamServerRuntime: Sendable {
    public var config: StreamServerConfig
    public var route: StreamRoute
}

public struct ListenerSpec: Sendable {
    public var address: SocketAddress
    public var backlog: Int
    public var serverIndex: Int
    public var location: SourceLocation
}

/// The configuration with every address resolved, ready for loops: immutable and shared.
/// A reload builds a new one; live sessions keep the one they started with.
public struct RuntimeSnapshot: Sendable {
    public let config: Configuration
    public let listeners: [ListenerSpec]
    public let streamServers: [StreamServerRuntime]
    public let upstreams: [UpstreamGroupSpec]

    public init(config: Configuration) throws(ConfigError) {
        self.config = config
        var listeners: [ListenerSpec] = []
        var servers: [StreamServerRuntime] = []
        var groups: [UpstreamGroupSpec] = []
        guard let stream = config.stream else {
            self.listeners = []
            self.streamServers = []
            self.upstreams = []
            return
        }
        for upstream in stream.upstreams {
            var peers: [PeerSpec] = []
            for server in upstream.servers {
                for address in try Self.resolve(server.address, what: "upstream", at: server.location) {
                    peers.append(PeerSpec(
                        address: address, name: server.address.description, weight: server.weight,
                        maxFails: server.maxFails, failTimeoutMs: server.failTimeout.milliseconds,
                        backup: server.backup, down: server.down))
                }
            }
            groups.append(UpstreamGroupSpec(name: upstream.name, peers: peers))
        }
        for (index, server) in stream.servers.enumerated() {
            let route: StreamRoute
            switch server.handler {
            case .echo:
                route = .echo
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
                    listeners.append(ListenerSpec(address: address, backlog: listen.backlog, serverIndex: index, location: listen.location))
                }
            }
        }
        self.listeners = listeners
        self.streamServers = servers
        self.upstreams = groups
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
