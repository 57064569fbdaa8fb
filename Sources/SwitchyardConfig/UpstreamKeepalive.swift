/// `keepalive N` and its companions in an http `upstream {}`: a per-worker cache of idle
/// upstream connections (nginx's ngx_http_upstream_keepalive_module).
public struct UpstreamKeepaliveConfig: Sendable, Hashable {
    /// Idle connections each worker keeps for the whole group; the least recently used is
    /// closed when one more would exceed it.
    public var connections: Int
    /// How long an idle connection waits for its next request.
    public var timeout: Duration
    /// Requests one connection serves before it is closed.
    public var requests: Int
    /// How long one connection may be reused at most, from its first request.
    public var time: Duration

    public init(connections: Int, timeout: Duration = .seconds(60), requests: Int = 1000, time: Duration = .seconds(3600)) {
        self.connections = connections
        self.timeout = timeout
        self.requests = requests
        self.time = time
    }
}

/// The `keepalive*` lines of the open upstream block, each optional until the block closes
/// (so a duplicate is refused and an unset one takes nginx's default).
struct UpstreamKeepaliveDraft: Sendable, Equatable {
    var connections: Int?
    var timeout: Duration?
    var requests: Int?
    var time: Duration?

    /// nil without `keepalive N`: the companions alone change nothing, as in nginx.
    var finished: UpstreamKeepaliveConfig? {
        guard let connections else { return nil }
        let defaults = UpstreamKeepaliveConfig(connections: connections)
        return UpstreamKeepaliveConfig(
            connections: connections, timeout: timeout ?? defaults.timeout, requests: requests ?? defaults.requests,
            time: time ?? defaults.time)
    }
}

extension ConfigBuilder {
    /// The keep-alive settings of the http upstream block being read (the table allows the
    /// directives that use this only there).
    var upstreamKeepalive: UpstreamKeepaliveDraft {
        get { http.upstreams.last?.keepaliveDraft ?? UpstreamKeepaliveDraft() }
        set {
            let last = http.upstreams.count - 1
            http.upstreams[last].keepaliveDraft = newValue
            http.upstreams[last].keepalive = newValue.finished
        }
    }
}
