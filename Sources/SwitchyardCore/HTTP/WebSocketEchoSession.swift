import SwitchyardReactor
import SwitchyardWire

/// `websocket_echo;`: a WebSocket server built into the router for demos, tests and
/// benchmarks. After its 101 it sends every data frame back as the client framed it (text
/// stays text, fragments stay fragments, unmasked as a server must send them, RFC 6455 §5.1),
/// answers ping with pong and close with close. A frame that breaks the protocol gets a close
/// with its status code (1002, 1009...) and the connection ends.
final class WebSocketEchoSession: EventHandler, TimerHandler, WorkerSession {
    /// The worker owns this object and outlives it. Unchecked: a checked `unowned` costs a
    /// runtime call on every access, several per request.
    private unowned(unsafe) let worker: Worker
    private var clientFD: OwnedFD?
    private let client: SocketTransport
    private var input: RingBuffer
    private var out = OutputBuffer()
    private var parser: WebSocketFrameParser
    private var pending: (header: WebSocketFrameHeader, headerLength: Int)?
    private var closing = false
    private var ended = false
    private let timer = LoopTimer()
    private let idleMs: Int64

    /// The largest frame echoed; bigger ones are refused with 1009 (message too big).
    static let maxFrame = 1 << 20
    /// Reading stops while this much output waits for a slow client (backpressure).
    static let maxQueued = 256 << 10

    /// `input` holds bytes the client sent right after its upgrade request, if any.
    init(worker: Worker, client: consuming OwnedFD, input: RingBuffer, idle: Duration) {
        self.worker = worker
        self.client = SocketTransport(fd: client.raw)
        self.clientFD = .some(client)
        self.input = input
        self.parser = WebSocketFrameParser(requireMasked: true, maxPayloadLength: UInt64(Self.maxFrame))
        self.idleMs = idle.milliseconds
        timer.handler = self
    }

    func start() {
        do {
            try worker.loop.register(fd: client.fd, interest: .readable, handler: self)
        } catch {
            finish()
            return
        }
        worker.loop.arm(timer, afterMs: idleMs)
        pump()
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        pump()
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        finish()
    }

    func abort(_ reason: String) {
        finish()
    }

    func quit() {
        guard !closing else { return }
        send(.close, WebSocketFrameWriter.closePayload(code: .goingAway, reason: ""))
        closing = true
        pump()
    }

    private func pump() {
        guard !ended else { return }
        var activity = false
        var outOfTurns = true
        for _ in 0..<64 {
            var progressed = false
            do {
                if !out.isEmpty, try out.flush(to: client) > 0 { progressed = true }
            } catch {
                finish()
                return
            }
            if closing && out.isEmpty {
                finish()
                return
            }
            if echoFrames() { progressed = true }
            if !closing && out.pendingCount < Self.maxQueued && input.writableCount > 0 {
                do {
                    switch try client.read(into: input.writableRegion) {
                    case .value(0):
                        finish()
                        return
                    case .value(let n):
                        input.didWrite(n)
                        progressed = true
                    case .wouldBlock:
                        break
                    }
                } catch {
                    finish()
                    return
                }
            }
            activity = activity || progressed
            if !progressed {
                outOfTurns = false
                break
            }
        }
        // Frames already read may be waiting with the socket drained: come back after the
        // batch rather than wait for the client's next byte.
        if outOfTurns && !ended {
            worker.loop.runAfterBatch { [weak self] in self?.pump() }
        }
        if activity { worker.loop.touch(timer, afterMs: idleMs) }
        var interest: Interest = []
        if !out.isEmpty { interest.insert(.writable) }
        if !closing && out.pendingCount < Self.maxQueued { interest.insert(.readable) }
        try? worker.loop.setInterest(fd: client.fd, interest)
    }

    /// Answers every complete frame in the input; true when any was.
    private func echoFrames() -> Bool {
        var answered = false
        while !closing {
            input.linearize()
            let region = input.readableRegion
            if pending == nil {
                switch parser.parse(region) {
                case .needMoreBytes:
                    return answered
                case .frame(let header, let headerLength):
                    pending = (header, headerLength)
                case .invalid(let error):
                    send(.close, WebSocketFrameWriter.closePayload(code: error.closeCode, reason: ""))
                    closing = true
                    return true
                }
            }
            guard let (header, headerLength) = pending else { return answered }
            let total = headerLength + Int(header.payloadLength)
            if total > input.capacity { grow(to: total) }
            guard input.readableCount >= total else { return answered }
            var payload = Array(input.readableRegion[headerLength..<total])
            if let key = header.maskKey {
                payload.withUnsafeMutableBytes { WebSocketMask.unmask($0, key: key, offset: 0) }
            }
            input.didRead(total)
            pending = nil
            answer(header, payload)
            answered = true
        }
        return answered
    }

    private func answer(_ header: WebSocketFrameHeader, _ payload: [UInt8]) {
        switch header.opcode {
        case .text, .binary, .continuation:
            out.append(WebSocketFrameWriter.header(opcode: header.opcode, fin: header.fin, payloadLength: UInt64(payload.count)) + payload)
        case .ping:
            send(.pong, payload)
        case .pong:
            break
        case .close:
            // Echo the status code (RFC 6455 §5.5.1), then end the connection once it is out.
            let code: [UInt8]
            switch payload.withUnsafeBytes({ WebSocketClosePayload.parse($0) }) {
            case .valid(let status, _): code = status.map { WebSocketFrameWriter.closePayload(code: $0, reason: "") } ?? []
            case .invalid(let error): code = WebSocketFrameWriter.closePayload(code: error.closeCode, reason: "")
            }
            send(.close, code)
            closing = true
        }
    }

    private func send(_ opcode: WebSocketOpcode, _ payload: [UInt8]) {
        out.append(WebSocketFrameWriter.header(opcode: opcode, payloadLength: UInt64(payload.count)) + payload)
    }

    /// A frame bigger than the input ring: a larger ring, with what was read so far.
    private func grow(to size: Int) {
        let bigger = RingBuffer(capacity: size)
        while !input.isEmpty {
            let region = input.readableRegion
            _ = bigger.append(region)
            input.didRead(region.count)
        }
        input = bigger
    }

    private func finish() {
        guard !ended else { return }
        ended = true
        worker.loop.disarm(timer)
        if let raw = clientFD?.raw { worker.loop.deregister(fd: raw) }
        clientFD = nil
        worker.sessionEnded(self)
    }
}

@available(*, unavailable)
extension WebSocketEchoSession: Sendable {}
