import Glibc
import SwitchyardReactor

/// `ws-handshake`: K workers, each in a loop of connect, upgrade, 101 checked, close frame
/// sent, the server's close frame read, socket closed: handshakes per second and the time
/// of each, from connect to the server's close.
final class WSHandshakeClient {
    let target: SocketAddress
    let upgrades: UpgradeRequests
    let scratch = ClientScratch()
    let histogram = LatencyHistogram()
    var random = FastRandom()
    var end: UInt64 = .max
    var handshakes = 0
    var errors = 0
    var firstProblem: String?

    init(target: SocketAddress, upgrades: UpgradeRequests) {
        self.target = target
        self.upgrades = upgrades
    }

    static func run(_ options: Options) throws(UsageError) -> Int32 {
        let client = WSHandshakeClient(
            target: try options.target(),
            upgrades: UpgradeRequests(path: try options.string("path", default: "/ws"), host: try options.host()))
        let concurrency = max(1, try options.int("concurrency"))
        let seconds = try options.seconds("seconds")
        let deadline = try options.deadline()
        guard let loop = ClientLoop.make() else { return 1 }

        client.end = Nanos.now() + Nanos.from(seconds: seconds)
        let workers = (0..<concurrency).map { _ in WSHandshakeWorker(client: client) }
        for worker in workers { worker.startNext(loop: loop) }
        let finished = ClientLoop.run(loop, until: deadline) { Nanos.now() < client.end }
        for worker in workers { worker.abandon(loop: loop) }

        var json = JSONLine()
        json.add("handshakes", client.handshakes)
        json.add("seconds", seconds)
        json.add("perSecond", seconds > 0 ? Double(client.handshakes) / seconds : 0)
        json.add("p50us", client.histogram.percentileMicros(0.50))
        json.add("p99us", client.histogram.percentileMicros(0.99))
        json.add("errors", client.errors)
        if !finished { json.add("timedOut", true) }
        Output.line(json.rendered)
        if client.handshakes == 0 {
            Output.error("sy-load ws-handshake: no handshake completed\(client.firstProblem.map { " (\($0))" } ?? "")")
            return 1
        }
        return finished ? 0 : 1
    }

    /// Counts a failed attempt; the first reason goes to stderr for the runner's log.
    func failed(_ problem: String) {
        if firstProblem == nil {
            firstProblem = problem
            Output.error("sy-load ws-handshake: \(problem)")
        }
        errors += 1
    }
}

/// One worker: one handshake at a time, the next started as soon as one ends.
final class WSHandshakeWorker: EventHandler {
    private enum State {
        case idle, connecting, awaitingHead, awaitingClose
    }

    private unowned let client: WSHandshakeClient
    private var fd: Int32 = -1
    private var state = State.idle
    private var key = 0
    private var startedAt: UInt64 = 0
    private var stash: [UInt8] = []
    private var reader = ServerFrameReader()

    init(client: WSHandshakeClient) {
        self.client = client
    }

    func startNext(loop: EventLoop) {
        // A loop, not recursion: when the target refuses at once, attempts fail back to back.
        while Nanos.now() < client.end {
            key = client.upgrades.take()
            stash.removeAll(keepingCapacity: true)
            reader = ServerFrameReader()
            startedAt = Nanos.now()
            do {
                let (socket, connected) = try Sockets.connecting(to: client.target)
                fd = socket
                state = .connecting
                try loop.register(fd: fd, interest: .writable, handler: self)
                if !connected || sendRequest(loop: loop) { return }
            } catch {
                client.failed("connect: \(error)")
            }
            close(loop: loop)
        }
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        let ok: Bool
        switch state {
        case .idle: return
        case .connecting:
            let pending = Sys.pendingError(fd)
            if pending != 0 { client.failed("connect: \(SysError("connect", errno: pending))") }
            ok = pending == 0 && sendRequest(loop: loop)
        case .awaitingHead, .awaitingClose:
            ok = read(loop: loop)
        }
        if !ok {
            close(loop: loop)
            startNext(loop: loop)
        }
    }

    private func sendRequest(loop: EventLoop) -> Bool {
        let sent = client.upgrades.requests[key].withUnsafeBytes { Sockets.sendSmall(fd, $0) }
        guard sent else {
            client.failed("sending the upgrade request failed")
            return false
        }
        state = .awaitingHead
        return (try? loop.setInterest(fd: fd, .readable)) != nil
    }

    /// False when the attempt is over (failed, or done and already counted).
    private func read(loop: EventLoop) -> Bool {
        let region: UnsafeMutableRawBufferPointer
        switch CarriedRead.read(fd, into: client.scratch.buffer, carrying: &stash) {
        case .bytes(let bytes): region = bytes
        case .wouldBlock: return true
        case .closed, .failed:
            client.failed(state == .awaitingHead ? "connection closed before the 101" : "connection closed before the close frame")
            return false
        }
        var start = 0
        if state == .awaitingHead {
            guard let end = HeadScan.headEnd(UnsafeRawBufferPointer(region)) else {
                guard region.count <= 16 << 10 else {
                    client.failed("response head too long")
                    return false
                }
                CarriedRead.carry(UnsafeRawBufferPointer(region), in: &stash)
                return true
            }
            if let problem = client.upgrades.problem(head: UnsafeRawBufferPointer(rebasing: region[0..<end]), index: key) {
                client.failed(problem)
                return false
            }
            var close = WSFrameBytes.closeFrame(code: 1000, mask: client.random.maskKey())
            let sent = withUnsafeBytes(of: &close) {
                Sockets.sendSmall(fd, UnsafeRawBufferPointer(rebasing: $0[0..<WSFrameBytes.closeFrameLength]))
            }
            guard sent else {
                client.failed("sending the close frame failed")
                return false
            }
            state = .awaitingClose
            start = end
        }
        while start < region.count {
            let (consumed, event) = reader.process(UnsafeRawBufferPointer(rebasing: region[start...]), expected: UnsafeRawBufferPointer(start: nil, count: 0))
            start += consumed
            switch event {
            case .needMoreBytes:
                if start < region.count { CarriedRead.carry(UnsafeRawBufferPointer(rebasing: region[start...]), in: &stash) }
                return true
            case .message:
                continue
            case .close:
                let now = Nanos.now()
                if now < client.end {
                    client.handshakes += 1
                    client.histogram.record(ns: now &- startedAt)
                }
                return false
            case .protocolError:
                client.failed("invalid frame from the server")
                return false
            }
        }
        return true
    }

    private func close(loop: EventLoop) {
        state = .idle
        guard fd >= 0 else { return }
        loop.deregister(fd: fd)
        Sys.close(fd)
        fd = -1
    }

    func abandon(loop: EventLoop) {
        close(loop: loop)
    }
}

@available(*, unavailable)
extension WSHandshakeClient: Sendable {}
@available(*, unavailable)
extension WSHandshakeWorker: Sendable {}
