import Glibc
import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire

/// A connection on a hybrid port before anyone owns it: its first bytes are peeked
/// (`recv(MSG_PEEK)`, so they stay in the kernel for whoever takes the connection) until the
/// classifier decides, then it becomes an HTTP session or a stream session. A client that
/// sends nothing for the wait speaks second (SMTP, MySQL...) and goes to the stream server.
///
///     accept ─► peek ─► HTTP/1.x request line ─► HTTP session (server by Host)
///                 │ ─► TLS, HTTP/2 preface, anything else ─► stream session
///                 └─► silent for the wait, EOF, or the peek buffer full ─► stream session
final class PrereadSession: EventHandler, TimerHandler, WorkerSession {
    private unowned let worker: Worker
    private var clientFD: OwnedFD?
    private let clientAddress: SocketAddress
    private let spec: ListenerSpec
    private var classifier = ProtocolClassifier()
    private let timer = LoopTimer()
    private let limit: Int
    private var decided = false

    /// How long a hybrid port waits for a first byte when `preread_timeout` is not written.
    static var defaultWait: Duration { HybridPort.defaultWait }

    init(worker: Worker, client: consuming OwnedFD, clientAddress: SocketAddress, spec: ListenerSpec) {
        self.worker = worker
        self.clientFD = .some(client)
        self.clientAddress = clientAddress
        self.spec = spec
        let stream = worker.snapshot.streamServers[spec.serverIndex].config
        self.limit = max(64, stream.prereadBufferSize)
        // A request line that fills the whole peek must still count as HTTP (and get its 414).
        self.classifier = ProtocolClassifier(maxRequestLineLength: min(8192, limit))
        timer.handler = self
    }

    private var fd: Int32 { clientFD?.raw ?? -1 }

    func start() {
        let stream = worker.snapshot.streamServers[spec.serverIndex].config
        let wait = stream.prereadTimeoutIsExplicit ? stream.prereadTimeout : Self.defaultWait
        do {
            try worker.loop.register(fd: fd, interest: .readable, handler: self)
        } catch {
            worker.log.alert("\(error) \(Phase.preread), client: \(clientAddress)")
            finish(.other)
            return
        }
        worker.loop.arm(timer, afterMs: wait.milliseconds)
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        guard !decided else { return }
        let buffer = worker.peekBuffer(limit)
        let peeked: Int
        do {
            guard case .value(let n) = try Sys.peek(fd, buffer) else { return }
            peeked = n
        } catch {
            finish(.other)  // a reset: the stream session will see it and log it
            return
        }
        if peeked == 0 {
            finish(.other)  // EOF before a byte: nothing to classify
            return
        }
        let verdict = classifier.classify(UnsafeRawBufferPointer(rebasing: buffer[0..<peeked]))
        if verdict != .needMoreBytes {
            finish(verdict)
        } else if peeked >= limit {
            finish(.other)  // preread_buffer_size filled without a decision
        }
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        guard !decided else { return }
        // Silent so far: a protocol where the server speaks first.
        finish(.other)
    }

    private func finish(_ verdict: ProtocolClassification) {
        guard !decided, let client = clientFD.take() else { return }
        decided = true
        worker.loop.disarm(timer)
        worker.loop.deregister(fd: client.raw)
        worker.classified(client, from: clientAddress, on: spec, asHTTP: verdict == .http, session: self)
    }

    func abort(_ reason: String) {
        guard !decided else { return }
        decided = true
        worker.loop.disarm(timer)
        if let raw = clientFD?.raw { worker.loop.deregister(fd: raw) }
        clientFD = nil
        worker.sessionEnded(self)
    }

    func quit() {
        abort("shutting down")
    }
}

@available(*, unavailable)
extension PrereadSession: Sendable {}
