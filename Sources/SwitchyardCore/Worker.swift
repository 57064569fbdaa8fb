import Glibc
import SwitchyardConfig
import SwitchyardReactor

/// Everything one loop thread owns: its listeners, sessions, pipes and balancer state.
/// A connection never changes worker, so nothing here is locked.
final class Worker {
    let loop: EventLoop
    private(set) var snapshot: RuntimeSnapshot
    let metrics: Metrics
    let pipes: PipePool
    private(set) var groups: [UpstreamGroup]
    let tunnelMode: TunnelMode = .splice
    private var acceptors: [Acceptor] = []
    private var sessions: [ObjectIdentifier: StreamSession] = [:]
    private var draining = false
    private var limitLogged = false
    /// Sessions this worker may hold: each takes up to two of `worker_connections`.
    private var sessionLimit: Int

    var log: ErrorLog { loop.log }

    init(loop: EventLoop, snapshot: RuntimeSnapshot, metrics: Metrics) {
        self.loop = loop
        self.snapshot = snapshot
        self.metrics = metrics
        self.pipes = PipePool()
        self.groups = snapshot.upstreams.map { UpstreamGroup(spec: $0) }
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
        let server = snapshot.streamServers[acceptor.spec.serverIndex]
        var group: UpstreamGroup?
        if case .upstream(let index) = server.route { group = groups[index] }
        let session = StreamSession(worker: self, client: client, clientAddress: address,
                                    serverAddress: acceptor.spec.address, server: server, group: group)
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
