/// One upstream block as one worker uses it: the resolved peers and the balancer state.
/// A session holds its group, so a reload that builds new groups never changes the peers
/// or indices under a session already connecting.
final class UpstreamGroup {
    let spec: UpstreamGroupSpec
    var balancer: RoundRobinBalancer

    init(spec: UpstreamGroupSpec) {
        self.spec = spec
        self.balancer = RoundRobinBalancer(group: spec)
    }
}

@available(*, unavailable)
extension UpstreamGroup: Sendable {}
