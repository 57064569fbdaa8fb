import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire

/// The upstream side of one proxied request: the connection, the request head going out, the
/// response head coming in, and the two body flows.
final class UpstreamLeg {
    let group: UpstreamGroup
    let peer: Int
    var fd: OwnedFD?
    let transport: SocketTransport
    let ring: RingBuffer
    var parser: HTTPResponseHeadParser
    var requestOut = OutputBuffer()
    var requestBody: BodyFlow?
    var responseBody: BodyFlow?
    var response: ResponseHead?
    var connected = false
    /// Any byte of the response reached the client: from here on, failures cannot be
    /// answered with an error status and nothing may be retried.
    var answered = false
    var connectStartedMs: Int64

    init(group: UpstreamGroup, peer: Int, fd: consuming OwnedFD, ringSize: Int, now: Int64) {
        self.group = group
        self.peer = peer
        self.transport = SocketTransport(fd: fd.raw)
        self.fd = .some(fd)
        self.ring = RingBuffer(capacity: ringSize)
        self.parser = HTTPResponseHeadParser()
        self.connectStartedMs = now
    }

    var raw: Int32 { transport.fd }
    var address: SocketAddress { group.spec.peers[peer].address }

    var requestDone: Bool { requestOut.isEmpty && (requestBody == nil || requestBody?.end != nil) }
    var responseDone: Bool { response != nil && (responseBody == nil || responseBody?.end != nil) }
}

@available(*, unavailable)
extension UpstreamLeg: Sendable {}
