import Glibc
import SwitchyardConfig
import SwitchyardReactor

/// Everything one loop thread owns: its listeners, sessions, pipes and balancer state.
/// A connection never changes worker, so nothing here is locked.
final class Worker {
    let loop: EventLoop
    let snapshot: RuntimeSnapshot
    let metrics: Metrics
    let pipes: PipePool
    var balancers: [RoundRobinBalancer]
    let tunnelMode: TunnelMode = .splice
    private var acceptors: [Acceptor] = []
    private var sessions: [ObjectIdentifier: StreamSession] = [:]
    private var draining = false
    private var limitLogged = false
    /// Sessions this worker may hold: each takes up to two of `worker_connections`.
    private let sessionLimit: Int

    var log: ErrorLog { loop.log }

    init(loop: EventLoop, snapshot: RuntimeSnapshot, metrics: Metrics) {
        self.loop = loop
        self.snapshot = snapshot
        self.metrics = metrics
        self.pipes = PipePool()
        self.balancers = snapshot.upstreams.map { RoundRobinBalancer(group: $0) }
        self.sessionLimit = max(1, snapshot.config.workerConnections / 2)
        loop.owner = self
    }

    func addListener(_ spec: ListenerSpec, fd: consuming OwnedFD) throws(SysError) {
        let acceptor = Acceptor(spec: spec, fd: fd, worker: self)
        try acceptor.start()
        acceptors.append(acceptor)
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
        let server = snapshot.streamServers[acceptor.spec.serverIndex]
        let session = StreamSession(worker: self, client: client, clientAddress: address,
                                    serverAddress: acceptor.spec.address, server: server)
        sessions[ObjectIdentifier(session)] = session
        metrics.sessions.add(1, ordering: .relaxed)
        metrics.activeSessions.add(1, ordering: .relaxed)
        session.start()
    }

    func sessionEnded(_ session: StreamSession) {
        guard sessions.removeValue(forKey: ObjectIdentifier(session)) != nil else { return }
        metrics.activeSessions.subtract(1, ordering: .relaxed)
        if draining && sessions.isEmpty { loop.stop() }
    }

    /// Graceful stop: no new connections; the loop ends when the last session does.
    func quit() {
        draining = true
        for acceptor in acceptors { acceptor.close() }
        if sessions.isEmpty { loop.stop() }
    }

    /// Immediate stop: every session is closed now.
    func terminate() {
        for acceptor in acceptors { acceptor.close() }
        for session in Array(sessions.values) { session.abort("shutting down") }
        loop.stop()
    }
}

@available(*, unavailable)
extension Worker: Sendable {}
