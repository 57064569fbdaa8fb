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
