/// The phases of a session, in order. Every log line names the phase it happened in, in
/// nginx's words ("while connecting to upstream"), so it says what was being done.
///
///     accept ─► preread ─► classify ─► route ─► connect ─► handshake ─► forward ─► log
///                                        │         │  ▲                   │
///                                        │         └──┘ next upstream     └─► idle timeout,
///                                        └─► no live upstreams: close          reset: close
public enum Phase: Sendable, CustomStringConvertible {
    case accept, preread, classify, route, connect, handshake, forward, log

    public var description: String {
        switch self {
        case .accept: "while accepting new connection"
        case .preread: "while prereading client data"
        case .classify: "while classifying client data"
        case .route: "while choosing an upstream"
        case .connect: "while connecting to upstream"
        case .handshake: "while the upstream handshake"
        case .forward: "while proxying connection"
        case .log: "while logging session"
        }
    }
}
