import Glibc
import SwitchyardReactor
import SwitchyardWire

/// One connection of `ws-echo`. Its two buffers are made once: the expected payload (the
/// message as sent, before masking) and the masked frame. Each message changes the first 8
/// payload bytes (a counter tagged with the connection) and the masking key; the echo is
/// compared with `expected` as it streams in.
final class WSEchoConnection: EventHandler {
    private enum State {
        case connecting, awaitingHead, ready, running, closing, done
    }

    private unowned let client: WSEchoClient
    private let id: UInt64
    private var fd: Int32 = -1
    private var state = State.connecting
    private var key = 0
    private var stash: [UInt8] = []
    private var reader = ServerFrameReader()

    private let expected: UnsafeMutableRawBufferPointer
    private let frame: UnsafeMutableRawBufferPointer
    private let headerLength: Int
    private var sequence: UInt64 = 0
    private var sendOffset = 0
    /// The whole frame is sent: a close frame may follow (never inside a data frame).
    private var sendComplete = true
    private var closeSent = false
    private var sentAt: UInt64 = 0

    init(client: WSEchoClient, id: UInt64) {
        self.client = client
        self.id = id
        expected = .allocate(byteCount: max(client.size, 1), alignment: 16)
        for index in 0..<expected.count { expected[index] = UInt8(truncatingIfNeeded: index &* 13 &+ Int(id)) }
        frame = .allocate(byteCount: client.size + WebSocketFrameWriter.maxHeaderLength, alignment: 16)
        // The mask is overwritten per message; only its position matters here.
        headerLength = WSFrameBytes.writeHeader(
            into: frame.baseAddress!, fin: true, opcode: WSFrameBytes.binary, payloadLength: UInt64(client.size), mask: 0)
    }

    deinit {
        expected.deallocate()
        frame.deallocate()
    }

    private var expectedMessage: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: expected[0..<client.size])
    }

    func connect(loop: EventLoop) {
        key = client.upgrades.take()
        do {
            let (socket, connected) = try Sockets.connecting(to: client.target)
            fd = socket
            try loop.register(fd: fd, interest: .writable, handler: self)
            if connected { sendRequest(loop: loop) }
        } catch {
            handshakeFailed(loop: loop)
        }
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        switch state {
        case .connecting:
            guard Sys.pendingError(fd) == 0 else { return handshakeFailed(loop: loop) }
            sendRequest(loop: loop)
        case .awaitingHead, .ready, .running, .closing:
            if readiness.isWritable && !sendComplete { sendFrame(loop: loop) }
            if readiness.isReadable && fd == self.fd { read(loop: loop) }
        case .done:
            break
        }
    }

    private func sendRequest(loop: EventLoop) {
        let sent = client.upgrades.requests[key].withUnsafeBytes { Sockets.sendSmall(fd, $0) }
        guard sent else { return handshakeFailed(loop: loop) }
        state = .awaitingHead
        do { try loop.setInterest(fd: fd, .readable) } catch { handshakeFailed(loop: loop) }
    }

    private func read(loop: EventLoop) {
        let region: UnsafeMutableRawBufferPointer
        switch CarriedRead.read(fd, into: client.scratch.buffer, carrying: &stash) {
        case .bytes(let bytes): region = bytes
        case .wouldBlock: return
        case .closed, .failed: return lost(loop: loop)
        }
        var start = 0
        if state == .awaitingHead {
            guard let end = HeadScan.headEnd(UnsafeRawBufferPointer(region)) else {
                guard region.count <= 16 << 10 else { return handshakeFailed(loop: loop) }
                return CarriedRead.carry(UnsafeRawBufferPointer(region), in: &stash)
            }
            if let problem = client.upgrades.problem(head: UnsafeRawBufferPointer(rebasing: region[0..<end]), index: key) {
                if client.handshakeFailures == 0 { Output.error("sy-load ws-echo: handshake failed: \(problem)") }
                return handshakeFailed(loop: loop)
            }
            state = .ready
            client.opened += 1
            client.settled += 1
            start = end
        }
        while start < region.count {
            let (consumed, event) = reader.process(UnsafeRawBufferPointer(rebasing: region[start...]), expected: expectedMessage)
            start += consumed
            switch event {
            case .needMoreBytes:
                if start < region.count { CarriedRead.carry(UnsafeRawBufferPointer(rebasing: region[start...]), in: &stash) }
                return
            case .message(let matched):
                guard state == .running else { continue }  // an echo still in flight at close
                messageDone(matched: matched, loop: loop)
            case .close:
                return finish(loop: loop, asExpected: state == .closing)
            case .protocolError:
                return lost(loop: loop)
            }
        }
    }

    /// Starts this connection's closed loop (all connections start together).
    func startLoop(loop: EventLoop) {
        guard state == .ready else { return }
        state = .running
        sendNext(loop: loop)
    }

    private func messageDone(matched: Bool, loop: EventLoop) {
        let now = Nanos.now()
        // Every echo is checked, warmup included; only the measured window is timed.
        if !matched { client.mismatches += 1 }
        if now >= client.measureStart && now < client.measureEnd {
            client.messages += 1
            client.histogram.record(ns: now &- sentAt)
        }
        if now < client.measureEnd { sendNext(loop: loop) }
    }

    /// The next message: a new counter in the first 8 bytes, a new masking key (§5.3), the
    /// payload copied into the frame and masked there.
    private func sendNext(loop: EventLoop) {
        sequence &+= 1
        let tag = sequence | id << 48
        let size = client.size
        withUnsafeBytes(of: tag.littleEndian) { bytes in
            for index in 0..<min(8, size) { expected[index] = bytes[index] }
        }
        let mask = client.random.maskKey()
        frame.storeBytes(of: mask.bigEndian, toByteOffset: headerLength - 4, as: UInt32.self)
        let payload = UnsafeMutableRawBufferPointer(rebasing: frame[headerLength..<headerLength + size])
        if size > 0 { payload.baseAddress!.copyMemory(from: expected.baseAddress!, byteCount: size) }
        WebSocketMask.unmask(payload, key: mask, offset: 0)
        sendOffset = 0
        sendComplete = false
        sentAt = Nanos.now()
        sendFrame(loop: loop)
    }

    /// Sends what is left of the frame; a 16 KiB frame may take several writes, and the
    /// echo is read meanwhile.
    private func sendFrame(loop: EventLoop) {
        let total = headerLength + client.size
        do {
            if case .value(let n) = try Sys.write(fd, UnsafeRawBufferPointer(rebasing: frame[sendOffset..<total])) {
                sendOffset += n
            }
        } catch {
            return lost(loop: loop)
        }
        sendComplete = sendOffset == total
        if sendComplete && state == .closing && !closeSent { return sendClose(loop: loop) }
        try? loop.setInterest(fd: fd, sendComplete ? .readable : [.readable, .writable])
    }

    /// After the run: a close frame (§5.5.1, 1000), once any frame being sent is complete.
    func beginClose(loop: EventLoop) {
        guard state == .ready || state == .running else { return }
        state = .closing
        if sendComplete { sendClose(loop: loop) }
    }

    private func sendClose(loop: EventLoop) {
        closeSent = true
        var close = WSFrameBytes.closeFrame(code: 1000, mask: client.random.maskKey())
        let sent = withUnsafeBytes(of: &close) { Sockets.sendSmall(fd, UnsafeRawBufferPointer(rebasing: $0[0..<WSFrameBytes.closeFrameLength])) }
        if !sent { return finish(loop: loop, asExpected: false) }
        try? loop.setInterest(fd: fd, .readable)
    }

    private func handshakeFailed(loop: EventLoop) {
        client.handshakeFailures += 1
        client.settled += 1
        release(loop: loop)
    }

    /// The connection broke (reset, EOF, protocol error) before we closed it.
    private func lost(loop: EventLoop) {
        if state == .awaitingHead || state == .connecting { return handshakeFailed(loop: loop) }
        finish(loop: loop, asExpected: state == .closing)
    }

    private func finish(loop: EventLoop, asExpected: Bool) {
        if !asExpected && client.phase != .closing { client.errors += 1 }
        client.closed += 1
        release(loop: loop)
    }

    private func release(loop: EventLoop) {
        state = .done
        guard fd >= 0 else { return }
        loop.deregister(fd: fd)
        Sys.close(fd)
        fd = -1
    }

    /// At the end: closes the socket if the server did not answer the close in time.
    func abandon(loop: EventLoop) {
        release(loop: loop)
    }
}

@available(*, unavailable)
extension WSEchoConnection: Sendable {}
