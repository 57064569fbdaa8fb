/// The blocks a directive may be written in (nginx's `NGX_MAIN_CONF`, `NGX_EVENT_CONF`,
/// `NGX_STREAM_MAIN_CONF`, `NGX_STREAM_SRV_CONF`, `NGX_STREAM_UPS_CONF`, `NGX_HTTP_MAIN_CONF`,
/// `NGX_HTTP_SRV_CONF`, `NGX_HTTP_LOC_CONF`, `NGX_HTTP_UPS_CONF`).
struct DirectiveContext: OptionSet, Sendable, Hashable {
    let rawValue: UInt16

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
    /// `http { }`
    static let http = DirectiveContext(rawValue: 1 << 5)
    /// `http { server { } }`
    static let httpServer = DirectiveContext(rawValue: 1 << 6)
    /// `location { }` at any depth.
    static let httpLocation = DirectiveContext(rawValue: 1 << 7)
    /// `http { upstream NAME { } }`
    static let httpUpstream = DirectiveContext(rawValue: 1 << 8)

    /// Settings written in `stream {}` are inherited by every `server {}` that does not set them.
    static let streamScopes: DirectiveContext = [.stream, .streamServer]
    /// `upstream {}` of either module: same syntax, same meaning.
    static let upstreams: DirectiveContext = [.streamUpstream, .httpUpstream]
    /// Settings every http level may write, inherited downwards.
    static let httpScopes: DirectiveContext = [.http, .httpServer, .httpLocation]
    /// Settings of the connection rather than of a request (nginx's `NGX_HTTP_SRV_CONF` ones).
    static let httpServerScopes: DirectiveContext = [.http, .httpServer]
}
