import Glibc
import SwitchyardConfig
import SwitchyardReactor

/// The running router: its worker threads and their loops, seen from the control thread.
/// Everything here is Sendable; workers are reached only through their loop handles.
public final class Router: Sendable {
    public let metrics = Metrics()
    public let snapshot: RuntimeSnapshot
    private let handles: [LoopHandle]
    private let threads: [LoopThread]

    /// Binds every listener, then starts `workers` loop threads.
    public init(snapshot: RuntimeSnapshot, log: ErrorLog, workers: Int) throws(ConfigError) {
        self.snapshot = snapshot
        let count = max(1, workers)
        var perWorker: [[(ListenerSpec, Int32)]] = Array(repeating: [], count: count)
        for spec in snapshot.listeners {
            let fds: [Int32]
            do {
                fds = try ListenerFactory.open(spec, copies: count)
            } catch {
                for list in perWorker { for (_, fd) in list { Sys.close(fd) } }
                throw error
            }
            for (i, fd) in fds.enumerated() { perWorker[i].append((spec, fd)) }
        }
        var handles: [LoopHandle] = []
        for i in 0..<count {
            do { handles.append(try LoopHandle(id: i)) } catch {
                throw ConfigError(message: "\(error)", location: nil)
            }
        }
        self.handles = handles
        let metrics = self.metrics
        var threads: [LoopThread] = []
        for i in 0..<count {
            let handle = handles[i]
            let listeners = perWorker[i].map { SendableListener(spec: $0.0, fd: $0.1) }
            threads.append(LoopThread(name: "switchyard-w\(i)") {
                Self.runWorker(handle: handle, snapshot: snapshot, log: log, metrics: metrics, listeners: listeners)
            })
        }
        self.threads = threads
    }

    private struct SendableListener: Sendable {
        var spec: ListenerSpec
        var fd: Int32
    }

    private static func runWorker(handle: LoopHandle, snapshot: RuntimeSnapshot, log: ErrorLog, metrics: Metrics, listeners: [SendableListener]) {
        let loop: EventLoop
        do {
            loop = try EventLoop(handle: handle, log: log)
        } catch {
            log.emerg("\(error) while starting worker \(handle.id)")
            for listener in listeners { Sys.close(listener.fd) }
            return
        }
        let worker = Worker(loop: loop, snapshot: snapshot, metrics: metrics)
        for listener in listeners {
            do {
                try worker.addListener(listener.spec, fd: OwnedFD(listener.fd))
            } catch {
                log.emerg("\(error) while adding listener \(listener.spec.address)")
            }
        }
        withExtendedLifetime(worker) { loop.run() }
    }

    public var workerCount: Int { handles.count }

    /// Stops at once: every connection is closed.
    public func stop() {
        for handle in handles {
            handle.execute { loop in (loop.owner as? Worker)?.terminate() }
        }
    }

    /// Stops accepting and lets connections finish. Call `stop()` to cut the wait short.
    public func quit() {
        for handle in handles {
            handle.execute { loop in (loop.owner as? Worker)?.quit() }
        }
    }

    /// Waits until every worker's loop has ended.
    public func join() {
        for thread in threads { thread.join() }
    }
}
