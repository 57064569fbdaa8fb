import Glibc
import SwitchyardReactor

/// One idle connection of `ws-idle`: kept as small as the socket allows (an fd, a state, a
/// key index, and a stash only if the 101 arrives in pieces), so the client's memory does not
/// blur the proxy's.
final class WSIdleConnection: EventHandler {
    private enum State: UInt8 {
        case unused, connecting, awaitingHead, open, closing, done
    }

    private unowned let client: WSIdleClient
    private var fd: Int32 = -1
    private var state = State.unused
    private var key: UInt16 = 0
    private var stash: [UInt8] = []

    init(client: WSIdleClient) {
        self.client = client
    }

    func connect(loop: EventLoop) {
        key = UInt16(client.upgrades.take())
        client.inFlight += 1
        do {
            let (socket, connected) = try Sockets.connecting(to: client.target)
            fd = socket
            state = .connecting
            try loop.register(fd: fd, interest: .writable, handler: self)
            if connected { sendRequest(loop: loop) }
        } catch {
            failed(loop: loop)
        }
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        switch state {
        case .connecting:
            guard Sys.pendingError(fd) == 0 else { return failed(loop: loop) }
            sendRequest(loop: loop)
        case .awaitingHead:
            readHead(loop: loop)
        case .open, .closing:
            drain(loop: loop)
        case .unused, .done:
            break
        }
    }

    private func sendRequest(loop: EventLoop) {
        let sent = client.upgrades.requests[Int(key)].withUnsafeBytes { Sockets.sendSmall(fd, $0) }
        guard sent else { return failed(loop: loop) }
        state = .awaitingHead
        do { try loop.setInterest(fd: fd, .readable) } catch { failed(loop: loop) }
    }

    private func readHead(loop: EventLoop) {
        let region: UnsafeMutableRawBufferPointer
        switch CarriedRead.read(fd, into: client.scratch.buffer, carrying: &stash) {
        case .bytes(let bytes): region = bytes
        case .wouldBlock: return
        case .closed, .failed: return failed(loop: loop)
        }
        guard let end = HeadScan.headEnd(UnsafeRawBufferPointer(region)) else {
            guard region.count <= 16 << 10 else { return failed(loop: loop) }
            return CarriedRead.carry(UnsafeRawBufferPointer(region), in: &stash)
        }
        if let problem = client.upgrades.problem(head: UnsafeRawBufferPointer(rebasing: region[0..<end]), index: Int(key)) {
            if client.errors == 0 { Output.error("sy-load ws-idle: handshake failed: \(problem)") }
            return failed(loop: loop)
        }
        state = .open
        client.inFlight -= 1
        client.opened += 1
    }

    /// An open connection has nothing to read; after our close frame, the server's close
    /// and its EOF arrive here.
    private func drain(loop: EventLoop) {
        while true {
            do {
                switch try Sys.read(fd, client.scratch.buffer) {
                case .wouldBlock: return
                case .value(0): return release(loop: loop)
                case .value: continue
                }
            } catch {
                return release(loop: loop)
            }
        }
    }

    /// Sends a close frame (§5.5.1, 1000) on an open connection; the reply and the EOF are
    /// awaited by the caller's loop for a while.
    func beginClose(loop: EventLoop) {
        guard state == .open else { return release(loop: loop) }
        var close = WSFrameBytes.closeFrame(code: 1000, mask: client.random.maskKey())
        let sent = withUnsafeBytes(of: &close) {
            Sockets.sendSmall(fd, UnsafeRawBufferPointer(rebasing: $0[0..<WSFrameBytes.closeFrameLength]))
        }
        guard sent else { return release(loop: loop) }
        state = .closing
        client.closing += 1
    }

    private func failed(loop: EventLoop) {
        client.inFlight -= 1
        client.errors += 1
        release(loop: loop)
    }

    func release(loop: EventLoop) {
        if state == .closing { client.closing -= 1 }
        state = .done
        guard fd >= 0 else { return }
        loop.deregister(fd: fd)
        Sys.close(fd)
        fd = -1
    }
}

@available(*, unavailable)
extension WSIdleConnection: Sendable {}
