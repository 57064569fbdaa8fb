/// `health_check [interval=T] [fails=N] [passes=N] [uri=/path] [match=STATUSES] [type=tcp|http]
/// [timeout=T] [port=N];` in an `upstream {}` of either module: every server of the block
/// (except `down` ones) is probed from one place, and the balancers of every worker skip the
/// servers the probes found unhealthy. nginx Plus's active checks, written in the group.
public struct HealthCheckConfig: Sendable, Hashable {
    /// What one probe does.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The connect must succeed within the timeout.
        case tcp
        /// `GET uri HTTP/1.1` must be answered within the timeout by a status in `match`.
        case http
    }

    public var kind: Kind
    /// From the start of one probe to the start of the next.
    public var interval: Duration
    /// Consecutive failed probes that mark a healthy server unhealthy.
    public var fails: Int
    /// Consecutive passed probes that mark an unhealthy server healthy again.
    public var passes: Int
    /// The request target of an http probe.
    public var uri: String
    /// The statuses an http probe accepts.
    public var match: StatusMatch
    /// How long one probe may take, connect and answer together.
    public var timeout: Duration
    /// Probe this port instead of the server's own (a separate health endpoint).
    public var port: Int?
    public var location: SourceLocation

    /// nginx Plus's interval.
    public static let defaultInterval: Duration = .seconds(5)

    /// Without `timeout`, a probe may take the interval, at most 5 s (nginx Plus's stream
    /// `health_check_timeout`): one probe per server is then in flight at a time, and a server
    /// that never answers costs one probe per interval.
    public static func defaultTimeout(interval: Duration) -> Duration {
        min(interval, .seconds(5))
    }

    public init(
        kind: Kind, interval: Duration = defaultInterval, fails: Int = 1, passes: Int = 1, uri: String = "/",
        match: StatusMatch = .successOrRedirect, timeout: Duration? = nil, port: Int? = nil, location: SourceLocation
    ) {
        self.kind = kind
        self.interval = interval
        self.fails = fails
        self.passes = passes
        self.uri = uri
        self.match = match
        self.timeout = timeout ?? Self.defaultTimeout(interval: interval)
        self.port = port
        self.location = location
    }
}
