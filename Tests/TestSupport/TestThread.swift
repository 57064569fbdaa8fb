import Glibc
import Synchronization

/// A real pthread for blocking work. Swift Testing's cooperative pool is as wide as the
/// core count, so backends and clients that block in recv/poll must never run on it.
public final class TestThread: Sendable {
    private let handle: pthread_t
    private let state: Shared

    private final class Shared: Sendable {
        let body: @Sendable () -> Void
        let finished = Atomic<Bool>(false)
        let joined = Mutex<Bool>(false)
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    public init(_ body: @escaping @Sendable () -> Void) throws {
        let shared = Shared(body)
        let context = Unmanaged.passRetained(shared).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let shared = Unmanaged<Shared>.fromOpaque(raw!).takeRetainedValue()
            shared.body()
            shared.finished.store(true, ordering: .releasing)
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Shared>.fromOpaque(context).release()
            throw HarnessError.system("pthread_create", errno: rc)
        }
        handle = thread
        state = shared
    }

    public var isFinished: Bool { state.finished.load(ordering: .acquiring) }

    /// Joins the thread if it finishes within `timeout`; otherwise detaches it and returns
    /// false, so a wedged helper never hangs the test process.
    @discardableResult
    public func join(timeout: Double = 10) -> Bool {
        let finished = waitUntil(timeout: timeout, interval: 0.002) { isFinished }
        return state.joined.withLock { joined in
            guard !joined else { return finished }
            joined = true
            if finished { pthread_join(handle, nil) } else { pthread_detach(handle) }
            return finished
        }
    }
}
