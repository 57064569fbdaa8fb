import Glibc
import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire

/// Everything one loop thread owns: its listeners, sessions, pipes and balancer state.
/// A connection never changes worker, so nothing here is locked.
final class Worker {
    let loop: EventLoop
    private(set) var snapshot: RuntimeSnapshot
    let metrics: Metrics
    let pipes: PipePool
    /// Client and upstream rings, reused from connection to connection.
    let rings = RingPool()
    private(set) var groups: [UpstreamGroup]
    /// How tunnels move bytes: `proxy_splice on` (the default) splices, off copies through
    /// a 16 KiB ring per direction (nginx's proxy_buffer_size default for streams).
    static func tunnelMode(splice: Bool) -> TunnelMode {
        splice ? .splice : .copy(bufferSize: 16384)
    }
    private var acceptors: [Acceptor] = []
    private var sessions: [ObjectIdentifier: any WorkerSession] = [:]
    private(set) var httpGroups: [UpstreamGroup]
    private var connectionCounter: UInt64 = 0
    /// Buffers an HTTP session fills and empties within one call while it builds an upstream
    /// request head (the evaluated `proxy_set_header` fields, the request-target). Kept by
    /// the loop, not per session, so a new connection's first request allocates none.
    var upstreamFieldsScratch: [(name: [UInt8], value: [UInt8])] = []
    var upstreamTargetScratch: [UInt8] = []

    private var times = TimeCache()
    private var timesCheckedMs: Int64 = -1
    private var accessLogFiles: [String: Int32] = [:]
    /// Logs named by `error_log` in servers and locations, by path and level, opened once.
    private var scopedLogs: [ErrorLogConfig: ErrorLog] = [:]

    /// The log for a server's or location's `error_log`; the main log when it is the same.
    func errorLog(for config: ErrorLogConfig) -> ErrorLog {
        if config == snapshot.config.errorLog { return log }
        if let open = scopedLogs[config] { return open }
        let opened: ErrorLog
        do {
            opened = try ErrorLog.open(path: config.path, level: Severity(rawValue: config.level.rawValue) ?? .error)
        } catch {
            log.alert("\(error) while opening error log \"\(config.path)\"")
            opened = log
        }
        scopedLogs[config] = opened
        return opened
    }

    /// Open document roots (`root`, `alias`) by path, for openat2 beneath them.
    var staticDirectories: [String: Int32] = [:]
    /// Relative `root` paths are taken from the main configuration file's directory.
    var configDirectory: String {
        let file = snapshot.config.file
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return String(file[..<slash])
    }
    private var draining = false
    private var limitLogged = false
    /// Sessions this worker may hold: each takes up to two of `worker_connections`.
    private var sessionLimit: Int

    var log: ErrorLog { loop.log }

    init(loop: EventLoop, snapshot: RuntimeSnapshot, metrics: Metrics) {
        self.loop = loop
        self.snapshot = snapshot
        self.metrics = metrics
        self.pipes = PipePool(loop: loop)
        self.groups = snapshot.upstreams.map { UpstreamGroup(spec: $0) }
        self.httpGroups = snapshot.httpUpstreams.map { UpstreamGroup(spec: $0, loop: loop) }
        self.sessionLimit = max(1, snapshot.config.workerConnections / 2)
        loop.owner = self
    }

    func addListener(_ spec: ListenerSpec, fd: consuming OwnedFD) throws(SysError) {
        let acceptor = Acceptor(spec: spec, fd: fd, worker: self)
        try acceptor.start()
        acceptors.append(acceptor)
    }

    /// Reload: new sessions use `next`; live sessions keep the snapshot and upstream group
    /// they started with, so established tunnels never notice. Listeners whose address
    /// stays are kept (no connection in their backlog is lost); the others close.
    func install(_ next: RuntimeSnapshot, added: [(ListenerSpec, Int32)], log: ErrorLog) {
        if draining {
            for (_, fd) in added { Sys.close(fd) }
            return
        }
        snapshot = next
        groups = next.upstreams.map { UpstreamGroup(spec: $0) }
        // Idle connections belong to the old peers list: close them; requests in flight
        // close theirs when they end.
        for group in httpGroups { group.pool?.closeAll() }
        httpGroups = next.httpUpstreams.map { UpstreamGroup(spec: $0, loop: loop) }
        sessionLimit = max(1, next.config.workerConnections / 2)
        loop.log = log
        var kept: [Acceptor] = []
        for acceptor in acceptors {
            if let spec = next.listeners.first(where: { $0.address == acceptor.spec.address }) {
                acceptor.spec = spec
                kept.append(acceptor)
            } else {
                acceptor.close()
            }
        }
        acceptors = kept
        for (spec, fd) in added {
            do { try addListener(spec, fd: OwnedFD(fd)) } catch {
                log.alert("\(error) while adding listener \(spec.address)")
            }
        }
    }

    func accepted(_ client: consuming OwnedFD, from address: SocketAddress, on acceptor: Acceptor) {
        if sessions.count >= sessionLimit {
            if !limitLogged {
                log.alert("\(snapshot.config.workerConnections) worker_connections are not enough \(Phase.accept)")
                limitLogged = true
            }
            client.close()
            return
        }
        limitLogged = false
        try? Sys.setOption(client.raw, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        connectionCounter += 1
        metrics.sessions.add(1, ordering: .relaxed)
        let spec = acceptor.spec
        if PrereadSession.needed(on: spec, snapshot) {
            let preread = PrereadSession(worker: self, client: client, clientAddress: address, spec: spec)
            adopt(preread)
            preread.start()
        } else {
            startSession(client, from: address, on: spec, asHTTP: spec.httpGroup != nil, hello: nil, watched: false)
        }
    }

    /// Starts what a connection is once its protocol is known: an HTTP session for the
    /// address's http servers, else a stream session for its stream server.
    private func startSession(_ client: consuming OwnedFD, from address: SocketAddress, on spec: ListenerSpec,
                              asHTTP: Bool, hello: ClientHelloInfo?, watched: Bool) {
        if asHTTP, let listenGroup = spec.httpGroup, let http = snapshot.httpBlock {
            let session = HTTPSession(worker: self, client: client, clientAddress: address, serverAddress: spec.address,
                                      snapshot: snapshot, http: http, listenGroup: listenGroup,
                                      connectionNumber: connectionCounter &* 64 &+ UInt64(loop.handle.id))
            adopt(session)
            session.start(watched: watched)
        } else {
            let facts = StreamConnectionFacts(
                clientAddress: address, serverAddress: spec.address,
                connectionNumber: connectionCounter &* 64 &+ UInt64(loop.handle.id), hello: hello)
            let session = StreamSession(worker: self, client: client, facts: facts,
                                        server: snapshot.streamServers[spec.serverIndex])
            adopt(session)
            session.start()
        }
    }

    /// A peeked-at connection, classified and its ClientHello read where configured: it
    /// becomes an HTTP or a stream session in place of its preread session.
    func prereadDone(_ client: consuming OwnedFD, from address: SocketAddress, on spec: ListenerSpec, asHTTP: Bool,
                     hello: ClientHelloInfo?, session preread: PrereadSession) {
        // The new session is adopted before the preread one ends, so a draining worker never
        // sees itself empty in between.
        startSession(client, from: address, on: spec, asHTTP: asHTTP, hello: hello, watched: true)
        sessionEnded(preread)
    }

    /// One peek buffer per loop, reused by every connection being classified.
    private var peekStorage = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)

    func peekBuffer(_ size: Int) -> UnsafeMutableRawBufferPointer {
        if peekStorage.count < size {
            peekStorage.deallocate()
            peekStorage = .allocate(byteCount: size, alignment: 16)
        }
        return UnsafeMutableRawBufferPointer(rebasing: peekStorage[0..<size])
    }

    /// Takes over a session made from another (an upgraded HTTP connection's tunnel).
    func adopt(_ session: any WorkerSession) {
        sessions[ObjectIdentifier(session)] = session
        metrics.activeSessions.add(1, ordering: .relaxed)
    }

    func sessionEnded(_ session: any WorkerSession) {
        guard sessions.removeValue(forKey: ObjectIdentifier(session)) != nil else { return }
        metrics.activeSessions.subtract(1, ordering: .relaxed)
        if draining && sessions.isEmpty { loop.stop() }
    }

    /// Graceful stop: no new connections; the loop ends when the last session does.
    func quit() {
        draining = true
        for acceptor in acceptors { acceptor.close() }
        for group in httpGroups { group.pool?.closeAll() }
        for session in Array(sessions.values) { session.quit() }
        if sessions.isEmpty { loop.stop() }
    }

    /// Immediate stop: every session is closed now.
    func terminate() {
        for acceptor in acceptors { acceptor.close() }
        for group in httpGroups { group.pool?.closeAll() }
        for session in Array(sessions.values) { session.abort("shutting down") }
        loop.stop()
    }

    // MARK: http support

    /// The stream upstream block `name` names (ignoring case), for `proxy_pass $name`.
    func streamGroup(named name: String) -> UpstreamGroup? {
        snapshot.streamGroupIndex[name.lowercased()].map { groups[$0] }
    }

    /// The http upstream block `name` names (ignoring case), for `proxy_pass http://$name`.
    func httpGroup(named name: String) -> UpstreamGroup? {
        snapshot.httpGroupIndex[name.lowercased()].map { httpGroups[$0] }
    }

    /// The Date header value for this second, shared by every request of this loop. The
    /// wall clock is read once per loop wake-up (`now`, the loop's time, changes with it).
    func httpDate(_ now: Int64) -> String {
        if now != timesCheckedMs {
            timesCheckedMs = now
            times.update(seconds: TimeCache.now().seconds)
        }
        return times.httpDate
    }

    /// Writes one access log line per configured `access_log` of the request's location.
    /// Takes the level's log list, not its whole settings: a settings value is a large struct
    /// whose copy retains every list in it, once per request.
    func accessLog(_ record: HTTPExchangeRecord, to targets: [AccessLogConfig], maps: [MapConfig]) {
        guard !targets.isEmpty else { return }
        let evaluator = VariableEvaluator(maps: maps, record: record, nowMs: loop.now)
        for target in targets {
            if let condition = target.condition {
                let value = evaluator.evaluate(condition)
                if value.isEmpty || value == [UInt8(ascii: "0")] { continue }
            }
            guard let fd = accessLogFile(target.path) else { continue }
            var line = AccessLogLine.render(target.format, evaluator: evaluator)
            line.append(UInt8(ascii: "\n"))
            line.withUnsafeBytes { _ = Glibc.write(fd, $0.baseAddress, $0.count) }
        }
    }

    private func accessLogFile(_ path: String) -> Int32? {
        if let fd = accessLogFiles[path] { return fd }
        let fd: Int32
        if path == "/dev/stderr" || path == "stderr" {
            fd = 2
        } else if path == "/dev/stdout" {
            fd = 1
        } else {
            fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            if fd < 0 {
                log.alert("open() \"\(path)\" failed (\(errno): \(String(cString: strerror(errno)))) while opening access log")
                return nil
            }
        }
        accessLogFiles[path] = fd
        return fd
    }
}

@available(*, unavailable)
extension Worker: Sendable {}
