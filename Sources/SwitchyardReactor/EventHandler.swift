import CSwitchyardShims

/// What a registered descriptor wants to hear about. Hang-up and errors are always
/// reported (epoll reports them regardless). Peer half-close (EPOLLRDHUP) is opt-in: it is
/// level-triggered, so a socket whose peer has shut down writing would wake the loop on
/// every round while its tunnel waits for the other direction.
public struct Interest: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let readable = Interest(rawValue: EPOLLIN.rawValue)
    public static let writable = Interest(rawValue: EPOLLOUT.rawValue)
    /// For idle pooled connections: the upstream closing is news even with nothing to read.
    public static let peerHangup = Interest(rawValue: EPOLLRDHUP.rawValue)
    public static let none: Interest = []
}

/// What epoll reported for one descriptor.
public struct Readiness: Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public var isReadable: Bool { rawValue & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue) != 0 }
    public var isWritable: Bool { rawValue & (EPOLLOUT.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 }
    public var peerClosedWriting: Bool { rawValue & EPOLLRDHUP.rawValue != 0 }
    public var isError: Bool { rawValue & EPOLLERR.rawValue != 0 }
}

/// An object that owns one or more registered descriptors and reacts to their readiness.
/// Handlers run on their loop's thread only.
public protocol EventHandler: AnyObject {
    func handle(fd: Int32, readiness: Readiness, loop: EventLoop)
}
