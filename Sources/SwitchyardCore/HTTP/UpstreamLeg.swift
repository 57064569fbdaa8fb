import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire

/// The upstream side of proxied requests: one connection with its input ring, response
/// parser and request output, and the state of the exchange in progress on it. A leg whose
/// exchange ended cleanly goes into its group's idle pool whole (see `UpstreamLeg+Idle`), so
/// a keep-alive request reuses the ring, parser and buffers instead of allocating them.
final class UpstreamLeg {
    let group: UpstreamGroup
    let peer: Int
    var fd: OwnedFD?
    let transport: SocketTransport
    /// `var` so a leg that ends can see whether it holds the ring's only reference and give
    /// it back to the loop's pool.
    var ring: RingBuffer
    var parser: HTTPResponseHeadParser
    var requestOut = OutputBuffer()
    var requestBody: BodyFlow?
    var responseBody: BodyFlow?
    /// The response head arrived (a final one, or a 101).
    var responded = false
    /// Nothing to read until epoll says readable: true from the start (the upstream answers
    /// only after our request) and after a read that would block, so the response head is
    /// not asked for right after the request went out, which costs an EAGAIN per request.
    var drained = true
    var connected = false
    /// Any byte of the response reached the client: from here on, failures cannot be
    /// answered with an error status and nothing may be retried.
    var answered = false
    var connectStartedMs: Int64
    /// Response bytes read so far: a reused connection that fails before the first one was
    /// closed by the upstream while idle, and the request may go again on a new connection.
    var bytesReceived = 0

    // Keep-alive (`keepalive N` in the upstream block).
    /// The connection came from the idle pool.
    var reused = false
    /// Requests this connection served before the current one.
    var priorRequests = 0
    /// When the connection was opened, for `keepalive_time`.
    let openedMs: Int64
    /// Both heads allow the connection to outlive the exchange: HTTP/1.1 out with no
    /// `Connection: close` (nginx's `proxy_set_header Connection "";` idiom), and a response
    /// that is not delimited by close and does not say close.
    var reusable = false
    /// The leg counts as an active connection of its peer (`least_conn`, `max_conns`) until
    /// it is dropped or handed to an upgraded tunnel.
    var holdsPeer = false

    // While idle in the pool.
    /// Runs `keepalive_timeout` while the leg waits in the pool.
    let idleTimer = LoopTimer()
    /// The pool holding the leg, while it is idle. It belongs to the leg's group, which
    /// outlives every leg of it.
    unowned(unsafe) var idlePool: IdleUpstreamPool?

    init(group: UpstreamGroup, peer: Int, fd: consuming OwnedFD, ring: RingBuffer, now: Int64) {
        self.group = group
        self.peer = peer
        self.transport = SocketTransport(fd: fd.raw)
        self.fd = .some(fd)
        self.ring = ring
        self.parser = HTTPResponseHeadParser()
        self.connectStartedMs = now
        self.openedMs = now
        idleTimer.handler = self
    }

    /// Readies a leg taken from the idle pool for the next exchange on its connection. The
    /// previous exchange ended with both sides in step, so the ring and output are empty.
    func startReusedExchange(now: Int64) {
        priorRequests += 1
        reused = true
        connected = true
        drained = true
        answered = false
        reusable = false
        bytesReceived = 0
        connectStartedMs = now
        responded = false
        requestBody = nil
        responseBody = nil
    }

    /// The exchange ended with both sides in step (every byte of both bodies moved, nothing
    /// extra received), so the connection can serve another request.
    var canReturnToPool: Bool {
        reusable && fd != nil && requestDone && responseDone && ring.isEmpty
            && (responseBody == nil || responseBody?.end == .complete)
            && (requestBody == nil || requestBody?.end == .complete)
    }

    var raw: Int32 { transport.fd }
    var address: SocketAddress { group.spec.peers[peer].address }

    var requestDone: Bool { requestOut.isEmpty && (requestBody == nil || requestBody?.end != nil) }
    var responseDone: Bool { responded && (responseBody == nil || responseBody?.end != nil) }
}

@available(*, unavailable)
extension UpstreamLeg: Sendable {}
