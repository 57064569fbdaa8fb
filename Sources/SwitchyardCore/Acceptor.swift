import Glibc
import SwitchyardReactor

/// One listening socket in one worker. Accepts in bounded batches; when the process runs
/// out of descriptors it stops watching the socket for a moment instead of spinning on
/// EMFILE, and says so once.
final class Acceptor: EventHandler, TimerHandler {
    var spec: ListenerSpec
    private var fd: OwnedFD?
    /// The worker owns this object and outlives it. Unchecked: a checked `unowned` costs a
    /// runtime call on every access, several per request.
    private unowned(unsafe) let worker: Worker
    private let pauseTimer = LoopTimer()
    private var paused = false
    private var exhaustionLogged = false
    /// `multi_accept on` takes up to this many connections per readiness event; off takes
    /// one, as nginx does. Either way, level-triggered epoll reports the rest next round.
    private static let multiAcceptBatch = 64
    private static let pauseMs: Int64 = 100

    init(spec: ListenerSpec, fd: consuming OwnedFD, worker: Worker) {
        self.spec = spec
        self.fd = .some(fd)
        self.worker = worker
        pauseTimer.handler = self
    }

    var raw: Int32? { fd?.raw }

    func start() throws(SysError) {
        guard let raw else { return }
        try worker.loop.register(fd: raw, interest: .readable, handler: self)
    }

    /// Stops accepting: the socket closes, so the kernel refuses new connections to it.
    func close() {
        guard let raw else { return }
        worker.loop.deregister(fd: raw)
        worker.loop.disarm(pauseTimer)
        fd = nil
    }

    func handle(fd listenFD: Int32, readiness: Readiness, loop: EventLoop) {
        let batch = worker.snapshot.config.multiAccept ? Self.multiAcceptBatch : 1
        for _ in 0..<batch {
            let accepted: IOResult<(Int32, SocketAddress)>
            do {
                accepted = try Sys.accept(listenFD)
            } catch {
                if error.isResourceExhaustion {
                    pause(error)
                } else if error.errno != ECONNABORTED && error.errno != EPROTO {
                    worker.log.error("\(error) \(Phase.accept)")
                }
                return
            }
            guard case .value(let (client, address)) = accepted else { return }
            exhaustionLogged = false
            worker.accepted(OwnedFD(client), from: address, on: self)
        }
    }

    private func pause(_ error: SysError) {
        if !exhaustionLogged {
            worker.log.alert("\(error) \(Phase.accept); pausing accept for \(Self.pauseMs)ms")
            exhaustionLogged = true
        }
        guard let raw, !paused else { return }
        paused = true
        try? worker.loop.setInterest(fd: raw, .none)
        worker.loop.arm(pauseTimer, afterMs: Self.pauseMs)
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        paused = false
        if let raw { try? worker.loop.setInterest(fd: raw, .readable) }
    }
}

@available(*, unavailable)
extension Acceptor: Sendable {}
