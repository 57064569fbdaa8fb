/// Why a tunnel ended.
public enum TunnelEnd: Sendable, CustomStringConvertible {
    /// Both directions saw end of stream and passed it on.
    case completed
    /// One side closed and `proxy_half_close` is off, so the session ended with it.
    case closedBy(TunnelSide)
    /// A socket failed (reset, broken pipe...).
    case failed(TunnelSide, SysError)
    /// The owner ended it (idle timeout, shutdown).
    case aborted(String)

    public var description: String {
        switch self {
        case .completed: "completed"
        case .closedBy(let side): "closed by \(side)"
        case .failed(let side, let error): "\(error) on \(side) side"
        case .aborted(let reason): reason
        }
    }
}

/// What the owner of a tunnel hears: the end. Activity is not reported per event: the owner's
/// idle timer reads `lastToClientMs` and `lastToUpstreamMs` when it fires, as nginx checks
/// its timers lazily, so a busy tunnel makes no call per message.
public protocol TunnelDelegate: AnyObject {
    func tunnelDidEnd(_ tunnel: Tunnel, _ end: TunnelEnd)
}

/// Two sockets joined by two flows (client to upstream, upstream to client), or one socket
/// joined to itself (the built-in echo). The tunnel owns the sockets from `start` on and
/// closes both when it ends; no byte is parsed here.
public final class Tunnel: EventHandler {
    public let mode: TunnelMode
    public let halfClose: Bool
    public weak var delegate: TunnelDelegate?
    private let pool: PipePool
    private var clientFD: OwnedFD?
    private var upstreamFD: OwnedFD?
    private let client: Int32
    private let upstream: Int32
    /// The two flows by name (an array would be retained per element on every event). An
    /// echo tunnel has one flow, `toUpstream`, from the client back to itself.
    private let toUpstream: TunnelFlow
    private let toClient: TunnelFlow?
    public private(set) var ended = false
    /// When bytes last reached each side, on the loop's millisecond clock (set at start).
    public private(set) var lastToClientMs: Int64 = 0
    public private(set) var lastToUpstreamMs: Int64 = 0
    /// Bytes read from one side and never written to the other, counted when it ended.
    public private(set) var lostBytes = 0

    /// A proxy tunnel between two connected sockets.
    public init(client: consuming OwnedFD, upstream: consuming OwnedFD, mode: TunnelMode, halfClose: Bool, pool: PipePool) {
        self.client = client.raw
        self.upstream = upstream.raw
        let c = SocketTransport(fd: client.raw)
        let u = SocketTransport(fd: upstream.raw)
        self.clientFD = .some(client)
        self.upstreamFD = .some(upstream)
        self.mode = mode
        self.halfClose = halfClose
        self.pool = pool
        let toUpstream = TunnelFlow(source: c, destination: u, sourceSide: .client, destinationSide: .upstream, mode: mode)
        let toClient = TunnelFlow(source: u, destination: c, sourceSide: .upstream, destinationSide: .client, mode: mode)
        self.toUpstream = toUpstream
        self.toClient = toClient
    }

    /// A loopback tunnel: every byte the client sends goes back to it.
    public init(echo client: consuming OwnedFD, mode: TunnelMode, pool: PipePool) {
        self.client = client.raw
        self.upstream = client.raw
        let c = SocketTransport(fd: client.raw)
        self.clientFD = .some(client)
        self.upstreamFD = nil
        self.mode = mode
        self.halfClose = true
        self.pool = pool
        let echo = TunnelFlow(source: c, destination: c, sourceSide: .client, destinationSide: .client, mode: mode)
        self.toUpstream = echo
        self.toClient = nil
    }

    /// Bytes delivered to the upstream (from the client) and to the client.
    public var bytesToUpstream: UInt64 { toClient == nil ? 0 : toUpstream.bytes }
    public var bytesToClient: UInt64 { (toClient ?? toUpstream).bytes }
    public var bytesInFlight: Int { toUpstream.inFlight + (toClient?.inFlight ?? 0) }
    /// Bytes that went through user space rather than a pipe (all of them in copy mode).
    public var bytesCopied: UInt64 { toUpstream.copiedBytes + (toClient?.copiedBytes ?? 0) }
    public var isSplice: Bool { mode == .splice }

    public func start(on loop: EventLoop) throws(SysError) {
        lastToClientMs = loop.now
        lastToUpstreamMs = loop.now
        // Both sockets usually come from an owner that had them watched (the HTTP session
        // before a 101, the stream session that connected): the kernel still has them, so
        // modifying costs one system call where adding would fail first and cost two.
        try loop.reregister(fd: client, interest: .readable, handler: self)
        if upstream != client {
            try loop.reregister(fd: upstream, interest: .readable, handler: self)
        }
        // Bytes may already wait in either socket (early data); level-triggered epoll
        // reports them on the next round, so nothing more to do here.
    }

    public func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        if ended { return }
        if readiness.isError {
            let code = Sys.pendingError(fd)
            if code != 0 {
                finish(.failed(fd == client ? .client : .upstream, SysError("recv", errno: code)), loop: loop)
                return
            }
        }
        guard pump(toUpstream, fd: fd, readiness: readiness, loop: loop) else { return }
        if let toClient {
            guard pump(toClient, fd: fd, readiness: readiness, loop: loop) else { return }
        }
        if toUpstream.done && (toClient?.done ?? true) {
            finish(.completed, loop: loop)
            return
        }
        updateInterest(loop: loop)
    }

    /// Moves one flow if this event can move it; false when the tunnel ended.
    @inline(__always)
    private func pump(_ flow: TunnelFlow, fd: Int32, readiness: Readiness, loop: EventLoop) -> Bool {
        if flow.done { return true }
        // Only a flow this event can move: its source became readable or its destination
        // writable. Pumping the other one would cost an EAGAIN syscall.
        let canRead = flow.sourceFD == fd && readiness.isReadable
        let canWrite = flow.destinationFD == fd && readiness.isWritable
        if !canRead && !canWrite { return true }
        let moved: Int
        do {
            moved = try flow.pump(pool: pool, passFIN: halfClose)
        } catch {
            finish(.failed(error.side, error.error), loop: loop)
            return false
        }
        if moved > 0 {
            if flow.destinationSide == .client { lastToClientMs = loop.now } else { lastToUpstreamMs = loop.now }
        }
        if flow.done && !halfClose {
            finish(.closedBy(flow.sourceSide), loop: loop)
            return false
        }
        return true
    }

    /// Ends the tunnel from outside (timeout, shutdown). Bytes still in flight are lost and
    /// reported by `bytesInFlight` before the call.
    public func abort(_ reason: String, loop: EventLoop) {
        finish(.aborted(reason), loop: loop)
    }

    private func updateInterest(loop: EventLoop) {
        var clientInterest: Interest = []
        var upstreamInterest: Interest = []
        addInterest(of: toUpstream, client: &clientInterest, upstream: &upstreamInterest)
        if let toClient { addInterest(of: toClient, client: &clientInterest, upstream: &upstreamInterest) }
        if upstream == client {
            try? loop.setInterest(fd: client, clientInterest.union(upstreamInterest))
        } else {
            try? loop.setInterest(fd: client, clientInterest)
            try? loop.setInterest(fd: upstream, upstreamInterest)
        }
    }

    @inline(__always)
    private func addInterest(of flow: TunnelFlow, client clientInterest: inout Interest, upstream upstreamInterest: inout Interest) {
        guard !flow.done else { return }
        if flow.wantsRead {
            if flow.sourceFD == client { clientInterest.insert(.readable) } else { upstreamInterest.insert(.readable) }
        }
        if flow.wantsWrite {
            if flow.destinationFD == client { clientInterest.insert(.writable) } else { upstreamInterest.insert(.writable) }
        }
    }

    private func finish(_ end: TunnelEnd, loop: EventLoop) {
        if ended { return }
        ended = true
        lostBytes = bytesInFlight
        toUpstream.stop(pool: pool)
        toClient?.stop(pool: pool)
        loop.deregister(fd: client)
        if upstream != client { loop.deregister(fd: upstream) }
        clientFD = nil
        upstreamFD = nil
        delegate?.tunnelDidEnd(self, end)
    }
}

@available(*, unavailable)
extension Tunnel: Sendable {}
