import Glibc
import SwitchyardConfig
import SwitchyardReactor

/// One accepted stream connection: route → connect (trying the next upstream on failure)
/// → forward through a tunnel → log. It owns the client socket until the tunnel takes it.
final class StreamSession: EventHandler, TimerHandler, TunnelDelegate, WorkerSession {
    private enum State {
        case starting
        case connecting(peer: Int)
        case forwarding
        case closed
    }

    /// The worker owns this object and outlives it. Unchecked: a checked `unowned` costs a
    /// runtime call on every access, several per request.
    private unowned(unsafe) let worker: Worker
    private let server: StreamServerRuntime
    private let facts: StreamConnectionFacts
    private var clientFD: OwnedFD?
    private var upstreamFD: OwnedFD?
    private var state: State
    private let timer = LoopTimer()
    private var tried = TriedSet()
    private var triesLeft: Int
    private let startedAt: Int64
    private var connectedPeer: Int?
    private var tunnel: Tunnel?
    private let idleTimeoutMs: Int64
    /// The group this session draws peers from, chosen when it starts (nil for `echo`).
    private var group: UpstreamGroup?
    /// What the group's method chooses by (client address, `hash` key), kept across tries so
    /// `proxy_next_upstream` continues nginx's sequence.
    private var pick = PickContext()
    /// The peer this session counts as an active connection of (`least_conn`, `max_conns`):
    /// from its choice until its connect fails or the session ends.
    private var heldPeer: Int?

    init(worker: Worker, client: consuming OwnedFD, facts: StreamConnectionFacts, server: StreamServerRuntime) {
        self.worker = worker
        self.server = server
        self.facts = facts
        self.clientFD = .some(client)
        self.state = .starting
        self.startedAt = worker.loop.now
        self.idleTimeoutMs = server.config.proxyTimeout.milliseconds
        let limit = server.config.proxyNextUpstreamTries
        self.triesLeft = limit > 0 ? limit : Int.max
        timer.handler = self
    }

    private var clientAddress: SocketAddress { facts.clientAddress }
    private var serverAddress: SocketAddress { facts.serverAddress }

    private var loop: EventLoop { worker.loop }
    /// This server's `error_log`, else the one of `stream {}`, else the main one.
    private var log: ErrorLog { worker.errorLog(for: server.config.errorLog) }
    private var config: StreamServerConfig { server.config }

    /// Context nginx appends to every session log line.
    private func context(peer: Int? = nil) -> String {
        var text = ", client: \(clientAddress), server: \(serverAddress)"
        if let peer, let group {
            text += ", upstream: \"\(group.spec.peers[peer].address)\""
        }
        return text
    }

    func start() {
        switch server.route {
        case .echo:
            startTunnel(upstream: nil)
        case .upstream(let index):
            balance(over: worker.groups[index])
        case .variable(let value):
            var evaluator = StreamVariableEvaluator(maps: worker.snapshot.config.stream?.maps ?? [], facts: facts)
            let name = evaluator.evaluateString(value)
            guard let found = worker.streamGroup(named: name) ?? UpstreamGroup.single(name) else {
                log.error("\"\(name)\" from \"\(value.source)\" is neither an upstream nor an IP:port \(Phase.route)\(context())")
                close(reason: "no upstream named")
                return
            }
            balance(over: found)
        }
    }

    /// Starts drawing peers from `chosen`, with the client's address or the evaluated `hash`
    /// key when its method chooses by them.
    private func balance(over chosen: UpstreamGroup) {
        group = chosen
        switch chosen.spec.method {
        case .ipHash:
            pick = PickContext(client: clientAddress)
        case .hash(let key, _):
            var evaluator = StreamVariableEvaluator(maps: worker.snapshot.config.stream?.maps ?? [], facts: facts)
            pick = PickContext(hashKey: evaluator.evaluate(key))
        case .roundRobin, .leastConn, .random:
            break
        }
        connectNext()
    }

    // MARK: connect

    private func connectNext() {
        guard let group else { return }
        let nextTimeout = config.proxyNextUpstreamTimeout.milliseconds
        let outOfTime = nextTimeout > 0 && loop.now - startedAt >= nextTimeout
        guard triesLeft > 0, !outOfTime, let peer = group.balancer.next(now: loop.now, tried: tried, context: &pick) else {
            // A session that tried nothing found every peer down or resting: say so. One that
            // tried them all has already logged each failure.
            if tried.isEmptyFor(Array(group.spec.peers.indices)) {
                log.error("no live upstreams \(Phase.connect)\(context())")
            }
            close(reason: "no upstream could be connected")
            return
        }
        tried.insert(peer)
        triesLeft -= 1
        hold(peer)
        let address = group.spec.peers[peer].address
        let fd: Int32
        do {
            fd = try Sys.socket(family: address.family, type: Int32(SOCK_STREAM.rawValue))
        } catch {
            log.alert("\(error) \(Phase.connect)\(context(peer: peer))")
            close(reason: "socket() failed")
            return
        }
        upstreamFD = .some(OwnedFD(fd))
        try? Sys.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        state = .connecting(peer: peer)
        do {
            switch try Sys.connect(fd, to: address) {
            case .value:
                connected(peer: peer)
            case .wouldBlock:
                try loop.register(fd: fd, interest: .writable, handler: self)
                loop.arm(timer, afterMs: config.proxyConnectTimeout.milliseconds)
            }
        } catch {
            connectFailed(peer: peer, ProxyError(side: .upstream, kind: .system(error), phase: .connect, retryable: true))
        }
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        guard case .connecting(let peer) = state else { return }
        let code = Sys.pendingError(fd)
        if code != 0 {
            connectFailed(peer: peer, ProxyError(side: .upstream, kind: .system(SysError("connect", errno: code)), phase: .connect, retryable: true))
            return
        }
        loop.deregister(fd: fd)
        loop.disarm(timer)
        connected(peer: peer)
    }

    private func connectFailed(peer: Int, _ error: ProxyError) {
        guard let group else { return }
        if let fd = upstreamFD?.raw { loop.deregister(fd: fd) }
        upstreamFD = nil
        loop.disarm(timer)
        releaseHeld()
        group.balancer.report(peer, failed: true, now: loop.now)
        worker.metrics.upstreamFailures.add(1, ordering: .relaxed)
        log.error("\(error)\(context(peer: peer))")
        if group.balancer.justDisabled(peer) {
            log.warn("upstream server temporarily disabled \(Phase.connect)\(context(peer: peer))")
        }
        if config.proxyNextUpstream && error.retryable {
            connectNext()
        } else {
            close(reason: "upstream connect failed")
        }
    }

    private func connected(peer: Int) {
        group?.balancer.report(peer, failed: false, now: loop.now)
        connectedPeer = peer
        startTunnel(upstream: upstreamFD.take())
    }

    /// Counts `peer` as this session's active connection in every worker.
    private func hold(_ peer: Int) {
        releaseHeld()
        group?.balancer.acquired(peer)
        heldPeer = peer
    }

    private func releaseHeld() {
        guard let peer = heldPeer else { return }
        group?.balancer.released(peer)
        heldPeer = nil
    }

    // MARK: forward

    private func startTunnel(upstream: consuming OwnedFD?) {
        guard let client = clientFD.take() else { return }
        let made: Tunnel
        if let upstream = upstream.take() {
            made = Tunnel(client: client, upstream: upstream, mode: Worker.tunnelMode(splice: config.proxySplice), halfClose: config.proxyHalfClose, pool: worker.pipes)
        } else {
            made = Tunnel(echo: client, mode: Worker.tunnelMode(splice: config.proxySplice), pool: worker.pipes)
        }
        made.delegate = self
        tunnel = made
        state = .forwarding
        do {
            try made.start(on: loop)
        } catch {
            log.alert("\(error) \(Phase.forward)\(context(peer: connectedPeer))")
            made.abort("registration failed", loop: loop)
            return
        }
        loop.arm(timer, afterMs: idleTimeoutMs)
    }

    func tunnelDidEnd(_ tunnel: Tunnel, _ end: TunnelEnd) {
        if case .failed(let side, let error) = end, log.enabled(.info), !error.isPeerGone {
            log.info("\(error) on \(side) side \(Phase.forward)\(context(peer: connectedPeer))")
        }
        close(reason: end.description)
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        switch state {
        case .connecting(let peer):
            connectFailed(peer: peer, ProxyError(side: .upstream, kind: .timedOut, phase: .connect, retryable: true))
        case .forwarding:
            // `proxy_timeout` runs from the last byte either way; the tunnel keeps the times
            // and the timer is re-armed from them instead of being pushed on every event.
            if let tunnel {
                let idleUntil = max(tunnel.lastToClientMs, tunnel.lastToUpstreamMs) + idleTimeoutMs
                if now < idleUntil {
                    loop.arm(timer, afterMs: idleUntil - now)
                    return
                }
            }
            log.info("connection timed out (110: Connection timed out) \(Phase.forward)\(context(peer: connectedPeer))")
            tunnel?.abort("idle timeout", loop: loop)
        case .starting, .closed:
            break
        }
    }

    /// A stream session runs until its peers close; a graceful stop waits for it.
    func quit() {}

    /// Ends the session at once (shutdown, or a worker stopping).
    func abort(_ reason: String) {
        if let tunnel, !tunnel.ended {
            tunnel.abort(reason, loop: loop)
        } else {
            close(reason: reason)
        }
    }

    // MARK: log

    private func close(reason: String) {
        if case .closed = state { return }
        state = .closed
        loop.disarm(timer)
        releaseHeld()
        if let fd = upstreamFD?.raw { loop.deregister(fd: fd) }
        upstreamFD = nil
        clientFD = nil
        if let tunnel {
            let toUpstream = tunnel.bytesToUpstream
            let toClient = tunnel.bytesToClient
            let copied = tunnel.bytesCopied
            worker.metrics.bytesCopied.add(copied, ordering: .relaxed)
            worker.metrics.bytesSpliced.add(toUpstream + toClient - copied, ordering: .relaxed)
            if tunnel.lostBytes > 0 { worker.metrics.bytesLost.add(UInt64(tunnel.lostBytes), ordering: .relaxed) }
            if log.enabled(.info) {
                let seconds = Double(loop.now - startedAt) / 1000
                log.info("session done: \(reason), sent \(toUpstream), received \(toClient), lost \(tunnel.lostBytes), "
                    + "time \(seconds)s\(context(peer: connectedPeer))")
            }
        }
        tunnel = nil
        worker.sessionEnded(self)
    }
}

@available(*, unavailable)
extension StreamSession: Sendable {}
