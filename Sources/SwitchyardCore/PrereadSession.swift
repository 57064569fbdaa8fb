import Glibc
import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire

/// A connection before anyone owns it: its first bytes are peeked (`recv(MSG_PEEK)`, so they
/// stay in the kernel for whoever takes the connection) until what it is, and where it goes,
/// is known. Two questions may be asked, each only where configured:
/// - on a hybrid port, which protocol: HTTP goes to the http servers, the rest to the stream
///   server; a client silent for the wait speaks second (SMTP, MySQL...) and goes to stream;
/// - with `ssl_preread on`, what the ClientHello says (SNI, ALPN, version), for the
///   `$ssl_preread_*` variables that choose the upstream.
///
///     accept ─► classify ─► HTTP/1.x request line ─► HTTP session (server by Host)
///                  │ ─► TLS ─► [ssl_preread: read the ClientHello] ─► stream session
///                  │ ─► HTTP/2 preface, anything else ─► stream session
///                  └─► silent for the wait, EOF, or the peek buffer full ─► stream session
final class PrereadSession: EventHandler, TimerHandler, WorkerSession {
    private enum Step {
        case classifying
        case readingClientHello
    }

    /// The worker owns this object and outlives it. Unchecked: a checked `unowned` costs a
    /// runtime call on every access, several per request.
    private unowned(unsafe) let worker: Worker
    private var clientFD: OwnedFD?
    private let clientAddress: SocketAddress
    private let spec: ListenerSpec
    private var classifier = ProtocolClassifier()
    private var helloParser: TLSClientHelloParser
    private var step: Step
    private let sslPreread: Bool
    private let timer = LoopTimer()
    private let limit: Int
    private var decided = false

    /// How long a hybrid port waits for a first byte when `preread_timeout` is not written.
    static var defaultWait: Duration { HybridPort.defaultWait }

    /// Whether a connection on `spec` must be peeked at before its session can start.
    static func needed(on spec: ListenerSpec, _ snapshot: RuntimeSnapshot) -> Bool {
        spec.isHybrid || (spec.serverIndex >= 0 && snapshot.streamServers[spec.serverIndex].config.sslPreread)
    }

    init(worker: Worker, client: consuming OwnedFD, clientAddress: SocketAddress, spec: ListenerSpec) {
        self.worker = worker
        self.clientFD = .some(client)
        self.clientAddress = clientAddress
        self.spec = spec
        let stream = worker.snapshot.streamServers[spec.serverIndex].config
        self.limit = max(64, stream.prereadBufferSize)
        self.sslPreread = stream.sslPreread
        self.step = spec.isHybrid ? .classifying : .readingClientHello
        // A request line that fills the whole peek must still count as HTTP (and get its 414).
        self.classifier = ProtocolClassifier(maxRequestLineLength: min(8192, limit))
        self.helloParser = TLSClientHelloParser(maxLength: limit)
        timer.handler = self
    }

    private var fd: Int32 { clientFD?.raw ?? -1 }
    private var stream: StreamServerConfig { worker.snapshot.streamServers[spec.serverIndex].config }

    func start() {
        do {
            try worker.loop.register(fd: fd, interest: .readable, handler: self)
        } catch {
            worker.log.alert("\(error) \(Phase.preread), client: \(clientAddress)")
            finish(asHTTP: false, hello: nil)
            return
        }
        // Classifying waits briefly (silence means the server speaks first); reading a
        // ClientHello waits `preread_timeout`, as nginx does.
        let wait = step == .classifying && !stream.prereadTimeoutIsExplicit ? Self.defaultWait : stream.prereadTimeout
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
            finish(asHTTP: false, hello: nil)  // a reset: the stream session will see it and log it
            return
        }
        if peeked == 0 {
            finish(asHTTP: false, hello: nil)  // EOF before a byte: nothing to learn
            return
        }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<peeked])
        if step == .classifying {
            switch classifier.classify(bytes) {
            case .needMoreBytes:
                // preread_buffer_size filled without a decision: not HTTP.
                if peeked >= limit { finish(asHTTP: false, hello: nil) }
                return
            case .http:
                finish(asHTTP: true, hello: nil)
                return
            case .tls where sslPreread:
                step = .readingClientHello
                if !stream.prereadTimeoutIsExplicit {
                    worker.loop.arm(timer, afterMs: stream.prereadTimeout.milliseconds)
                }
            case .tls, .http2, .other:
                finish(asHTTP: false, hello: nil)
                return
            }
        }
        readClientHello(bytes)
    }

    /// nginx's ssl_preread: a complete ClientHello sets the variables; bytes that are not one
    /// leave them empty and the connection goes on; one too large for the buffer is closed.
    private func readClientHello(_ bytes: UnsafeRawBufferPointer) {
        switch helloParser.parse(bytes) {
        case .needMoreBytes:
            if bytes.count >= limit { refuse("preread buffer full") }
        case .complete(let hello):
            finish(asHTTP: false, hello: hello)
        case .invalid(.tooLarge):
            refuse("preread buffer full")
        case .invalid:
            finish(asHTTP: false, hello: nil)
        }
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        guard !decided else { return }
        // Silent, or a ClientHello that never completed: routed with empty variables, so a
        // server-speaks-first protocol reaches the `default` of a map.
        finish(asHTTP: false, hello: nil)
    }

    private func finish(asHTTP: Bool, hello: ClientHelloInfo?) {
        guard !decided, let client = clientFD.take() else { return }
        decided = true
        worker.loop.disarm(timer)
        worker.loop.deregister(fd: client.raw)
        worker.prereadDone(client, from: clientAddress, on: spec, asHTTP: asHTTP, hello: hello, session: self)
    }

    private func refuse(_ reason: String) {
        worker.errorLog(for: stream.errorLog).error("\(reason) \(Phase.preread), client: \(clientAddress), server: \(spec.address)")
        abort(reason)
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
