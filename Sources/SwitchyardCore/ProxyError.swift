import SwitchyardReactor

/// One error type for everything a session can hit: which side failed, in which phase, and
/// whether another upstream may be tried (Pingora's shape). Its description is a complete
/// nginx-style log message.
public struct ProxyError: Error, CustomStringConvertible {
    public enum Side: Sendable, CustomStringConvertible {
        case client, upstream, `internal`
        public var description: String {
            switch self {
            case .client: "client"
            case .upstream: "upstream"
            case .internal: "internal"
            }
        }
    }

    public enum Kind: Sendable {
        case system(SysError)
        case timedOut
        case noLiveUpstreams
        case message(String)
    }

    public var side: Side
    public var kind: Kind
    public var phase: Phase
    /// True when `proxy_next_upstream` may take the next server for this failure.
    public var retryable: Bool

    public init(side: Side, kind: Kind, phase: Phase, retryable: Bool) {
        self.side = side
        self.kind = kind
        self.phase = phase
        self.retryable = retryable
    }

    public var description: String {
        let what: String
        switch kind {
        case .system(let error): what = error.description
        case .timedOut: what = "\(side) timed out (110: Connection timed out)"
        case .noLiveUpstreams: what = "no live upstreams"
        case .message(let text): what = text
        }
        return "\(what) \(phase)"
    }
}
