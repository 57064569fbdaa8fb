import SwitchyardConfig
import SwitchyardReactor

/// One peer to probe, with everything the prober thread needs and nothing a worker owns.
struct HealthTarget: Sendable {
    /// `http` or `stream`: a group name may be used in both modules.
    let module: String
    let group: String
    let peer: Int
    /// Where the probe connects: the peer's address, with `port=` when written.
    let address: SocketAddress
    /// The peer's address as logs print it.
    let server: String
    /// The server as written in the config, for the probe's `Host`.
    let host: String
    let check: HealthCheckConfig
    let health: UpstreamHealth

    /// Identifies the same server of the same group across a reload.
    var key: String { "\(module) \(group.lowercased()) \(server)" }

    /// Every peer of every group of `snapshot` with `health_check`, `down` ones excepted:
    /// they never take traffic, so their health would change nothing.
    static func all(in snapshot: RuntimeSnapshot) -> [HealthTarget] {
        targets(snapshot.httpUpstreams, module: "http") + targets(snapshot.upstreams, module: "stream")
    }

    private static func targets(_ groups: [UpstreamGroupSpec], module: String) -> [HealthTarget] {
        var found: [HealthTarget] = []
        for group in groups {
            guard let check = group.healthCheck, let health = group.health else { continue }
            for (index, peer) in group.peers.enumerated() where !peer.down {
                var address = peer.address
                if let port = check.port, let moved = SocketAddress(ip: address.ip, port: port) { address = moved }
                found.append(HealthTarget(
                    module: module, group: group.name, peer: index, address: address, server: peer.addressText,
                    host: peer.name, check: check, health: health))
            }
        }
        return found
    }

    /// A reload keeps what was known: a server the old probes found unhealthy stays out of the
    /// new snapshot's rotation until it passes again, instead of getting traffic for a while.
    static func carryOver(from old: [HealthTarget], to new: [HealthTarget]) {
        var unhealthy: Set<String> = []
        for target in old where !target.health.isHealthy(target.peer) {
            unhealthy.insert(target.key)
        }
        for target in new where unhealthy.contains(target.key) {
            target.health.setHealthy(target.peer, false)
        }
    }
}
