import SwitchyardConfig
import SwitchyardReactor

/// One upstream block as one worker uses it: the resolved peers and the balancer state.
/// A session holds its group, so a reload that builds new groups never changes the peers
/// or indices under a session already connecting.
final class UpstreamGroup {
    let spec: UpstreamGroupSpec
    var balancer: UpstreamBalancer

    /// Idle connections kept for reuse (`keepalive N` in an http upstream).
    let pool: IdleUpstreamPool?

    init(spec: UpstreamGroupSpec, loop: EventLoop? = nil) {
        self.spec = spec
        self.balancer = UpstreamBalancer(group: spec)
        if let loop, let keepalive = spec.keepalive {
            pool = IdleUpstreamPool(settings: keepalive, loop: loop)
        } else {
            pool = nil
        }
    }
}

@available(*, unavailable)
extension UpstreamGroup: Sendable {}

extension UpstreamGroup {
    /// A group of one literal address, for a `proxy_pass` whose variables evaluated to
    /// `IP:port` (nginx's implicit one-server upstream); nil when `text` is no IP address.
    /// No name is ever looked up on a loop.
    static func single(_ text: String, defaultPort: Int? = nil) -> UpstreamGroup? {
        guard let hostPort = HostPort(upstream: text) ?? defaultPort.flatMap({ HostPort(upstream: text + ":\($0)") }) else {
            return nil
        }
        var ip = hostPort.host
        if ip.hasPrefix("["), ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
        guard let address = SocketAddress(ip: ip, port: hostPort.port) else { return nil }
        let peer = PeerSpec(address: address, name: text, weight: 1, maxFails: 1, failTimeoutMs: 10_000,
                            backup: false, down: false)
        return UpstreamGroup(spec: UpstreamGroupSpec(name: text, peers: [peer]))
    }
}
