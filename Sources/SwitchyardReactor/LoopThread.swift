import CSwitchyardShims
import Glibc

/// A plain pthread for a loop. Swift concurrency's pool is not for code that blocks in
/// epoll_wait; each loop gets a thread of its own and never leaves it.
public final class LoopThread: Sendable {
    private let thread: pthread_t

    private final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let threadName = String(name.prefix(15))
        let box = Unmanaged.passRetained(Box({
            _ = CSwitchyardShims_setThreadName(threadName)
            body()
        })).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(status == 0, "pthread_create failed (\(status))")
        self.thread = thread
    }

    public func join() {
        pthread_join(thread, nil)
    }
}
