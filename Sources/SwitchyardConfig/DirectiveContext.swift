/// The blocks a directive may be written in (nginx's `NGX_MAIN_CONF`, `NGX_EVENT_CONF`,
/// `NGX_STREAM_MAIN_CONF`, `NGX_STREAM_SRV_CONF`, `NGX_STREAM_UPS_CONF`).
struct DirectiveContext: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    /// Top level of the main file.
    static let main = DirectiveContext(rawValue: 1 << 0)
    /// `events { }`
    static let events = DirectiveContext(rawValue: 1 << 1)
    /// `stream { }`
    static let stream = DirectiveContext(rawValue: 1 << 2)
    /// `stream { server { } }`
    static let streamServer = DirectiveContext(rawValue: 1 << 3)
    /// `stream { upstream NAME { } }`
    static let streamUpstream = DirectiveContext(rawValue: 1 << 4)

    /// Settings written in `stream {}` are inherited by every `server {}` that does not set them.
    static let streamScopes: DirectiveContext = [.stream, .streamServer]
}
