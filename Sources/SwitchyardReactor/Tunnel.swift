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

/// What the owner of a tunnel hears: activity (to push idle timers out) and the end.
public protocol TunnelDelegate: AnyObject {
    func tunnelDidMoveBytes(_ tunnel: Tunnel, toward side: TunnelSide)
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
    private let flows: [TunnelFlow]
    public private(set) var ended = false
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
        self.flows = [
            TunnelFlow(source: c, destination: u, sourceSide: .client, destinationSide: .upstream, mode: mode),
            TunnelFlow(source: u, destination: c, sourceSide: .upstream, destinationSide: .client, mode: mode),
        ]
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
        self.flows = [TunnelFlow(source: c, destination: c, sourceSide: .client, destinationSide: .client, mode: mode)]
    }

    /// Bytes delivered to the upstream (from the client) and to the client.
    public var bytesToUpstream: UInt64 { flows.count == 2 ? flows[0].bytes : 0 }
    public var bytesToClient: UInt64 { flows.count == 2 ? flows[1].bytes : flows[0].bytes }
    public var bytesInFlight: Int { flows.reduce(0) { $0 + $1.inFlight } }
    /// Bytes that went through user space rather than a pipe (all of them in copy mode).
    public var bytesCopied: UInt64 { flows.reduce(0) { $0 + $1.copiedBytes } }
    public var isSplice: Bool { mode == .splice }

    public func start(on loop: EventLoop) throws(SysError) {
        try loop.register(fd: client, interest: .readable, handler: self)
        if upstream != client {
            try loop.register(fd: upstream, interest: .readable, handler: self)
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
        for flow in flows where !flow.done {
            // Only a flow this event can move: its source became readable or its
            // destination writable. Pumping the other one would cost an EAGAIN syscall.
            let canRead = flow.source.fd == fd && readiness.isReadable
            let canWrite = flow.destination.fd == fd && readiness.isWritable
            if !canRead && !canWrite { continue }
            let moved: Int
            do {
                moved = try flow.pump(pool: pool, passFIN: halfClose)
            } catch {
                finish(.failed(error.side, error.error), loop: loop)
                return
            }
            if moved > 0 { delegate?.tunnelDidMoveBytes(self, toward: flow.destinationSide) }
            if flow.done && !halfClose {
                finish(.closedBy(flow.sourceSide), loop: loop)
                return
            }
        }
        if flows.allSatisfy(\.done) {
            finish(.completed, loop: loop)
            return
        }
        updateInterest(loop: loop)
    }

    /// Ends the tunnel from outside (timeout, shutdown). Bytes still in flight are lost and
    /// reported by `bytesInFlight` before the call.
    public func abort(_ reason: String, loop: EventLoop) {
        finish(.aborted(reason), loop: loop)
    }

    private func updateInterest(loop: EventLoop) {
        var clientInterest: Interest = []
        var upstreamInterest: Interest = []
        for flow in flows where !flow.done {
            if flow.wantsRead {
                if flow.source.fd == client { clientInterest.insert(.readable) } else { upstreamInterest.insert(.readable) }
            }
            if flow.wantsWrite {
                if flow.destination.fd == client { clientInterest.insert(.writable) } else { upstreamInterest.insert(.writable) }
            }
        }
        if upstream == client {
            try? loop.setInterest(fd: client, clientInterest.union(upstreamInterest))
        } else {
            try? loop.setInterest(fd: client, clientInterest)
            try? loop.setInterest(fd: upstream, upstreamInterest)
        }
    }

    private func finish(_ end: TunnelEnd, loop: EventLoop) {
        if ended { return }
        ended = true
        lostBytes = bytesInFlight
        for flow in flows { flow.stop(pool: pool) }
        loop.deregister(fd: client)
        if upstream != client { loop.deregister(fd: upstream) }
        clientFD = nil
        upstreamFD = nil
        delegate?.tunnelDidEnd(self, end)
    }
}

@available(*, unavailable)
extension Tunnel: Sendable {}
