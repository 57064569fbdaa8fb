import Glibc
import Synchronization
import SwitchyardConfig
import SwitchyardReactor

/// The running router: its worker threads and their loops, seen from the control thread.
/// Everything here is Sendable; workers are reached only through their loop handles.
public final class Router: Sendable {
    public let metrics = Metrics()
    public let snapshot: RuntimeSnapshot
    private let handles: [LoopHandle]
    private let threads: [LoopThread]
    /// Addresses the workers listen on now, so a reload binds only what is new.
    private let listening: Mutex<Set<SocketAddress>>
    /// The active health checks of the running snapshot: one prober for every worker, nil
    /// when no upstream block has `health_check`.
    private let health: Mutex<HealthChecker?>

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
        self.listening = Mutex(Set(snapshot.listeners.map(\.address)))
        do {
            health = Mutex(try HealthChecker.start(for: snapshot, log: log))
        } catch {
            for list in perWorker { for (_, fd) in list { Sys.close(fd) } }
            throw ConfigError(message: "\(error) while starting health checks", location: nil)
        }
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
        takeHealthChecker()?.stop()
        for handle in handles {
            handle.execute { loop in (loop.owner as? Worker)?.terminate() }
        }
    }

    /// Stops accepting and lets connections finish. Call `stop()` to cut the wait short.
    /// Probing stops at once: no new connection will need its verdicts.
    public func quit() {
        takeHealthChecker()?.stop()
        for handle in handles {
            handle.execute { loop in (loop.owner as? Worker)?.quit() }
        }
    }

    /// Installs a new configuration in every worker. New listen addresses are bound here
    /// first; if any fails, nothing changes and the error is returned.
    public func reload(_ next: RuntimeSnapshot, log: ErrorLog) throws(ConfigError) {
        let current = listening.withLock { $0 }
        var added: [[(ListenerSpec, Int32)]] = Array(repeating: [], count: handles.count)
        for spec in next.listeners where !current.contains(spec.address) {
            let fds: [Int32]
            do {
                fds = try ListenerFactory.open(spec, copies: handles.count)
            } catch {
                for list in added { for (_, fd) in list { Sys.close(fd) } }
                throw error
            }
            for (i, fd) in fds.enumerated() { added[i].append((spec, fd)) }
        }
        listening.withLock { $0 = Set(next.listeners.map(\.address)) }
        // The next snapshot's groups get their own health flags: the old prober stops first,
        // so what it knew is final when the new one starts from it, before any worker uses
        // the new groups.
        let previous = takeHealthChecker()
        previous?.stop()
        do {
            let checker = try HealthChecker.start(for: next, log: log, after: previous)
            health.withLock { $0 = checker }
        } catch {
            log.alert("\(error) while starting health checks: every server counts as healthy")
        }
        for (i, handle) in handles.enumerated() {
            let mine = added[i].map { SendableListener(spec: $0.0, fd: $0.1) }
            handle.execute { loop in
                guard let worker = loop.owner as? Worker else {
                    for listener in mine { Sys.close(listener.fd) }
                    return
                }
                worker.install(next, added: mine.map { ($0.spec, $0.fd) }, log: log)
            }
        }
    }

    /// Takes the running health checker out, for the caller to stop outside the lock.
    private func takeHealthChecker() -> HealthChecker? {
        health.withLock { checker in
            defer { checker = nil }
            return checker
        }
    }

    /// Waits until every worker's loop has ended.
    public func join() {
        for thread in threads { thread.join() }
    }
}
