import Glibc
import Synchronization
import Testing
@testable import SwitchyardReactor

private final class Counter: EventHandler {
    var calls = 0
    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        calls += 1
        var byte: UInt8 = 0
        _ = Glibc.recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
    }
}

private final class Flag: Sendable {
    let value = Atomic<Int>(0)
}

struct EventLoopTests {
    /// A job queued from another thread runs on the loop and wakes it from epoll_wait.
    @Test func handleRunsJobsFromOtherThreads() throws {
        let handle = try LoopHandle(id: 0)
        let loop = try EventLoop(handle: handle, log: ErrorLog(level: .emerg))
        let flag = Flag()
        let thread = LoopThread(name: "test-poker") {
            handle.execute { loop in
                flag.value.store(1, ordering: .relaxed)
                loop.stop()
            }
        }
        for _ in 0..<500 where flag.value.load(ordering: .relaxed) == 0 { loop.runOnce(maxWaitMs: 10) }
        thread.join()
        #expect(flag.value.load(ordering: .relaxed) == 1)
    }

    /// A deregistered descriptor's events never reach its old handler, even when they are
    /// already in the kernel.
    @Test func deregisteredDescriptorIsSilent() throws {
        let loop = try EventLoop(handle: LoopHandle(id: 0), log: ErrorLog(level: .emerg))
        let pair = try LoopbackPair.make()
        defer { Sys.close(pair.outer); Sys.close(pair.inner) }
        let counter = Counter()
        try loop.register(fd: pair.inner, interest: .readable, handler: counter)
        _ = Peer.send(pair.outer, [1], from: 0)
        for _ in 0..<100 where counter.calls == 0 { loop.runOnce(maxWaitMs: 5) }
        #expect(counter.calls == 1)
        loop.deregister(fd: pair.inner)
        _ = Peer.send(pair.outer, [2], from: 0)
        for _ in 0..<10 { loop.runOnce(maxWaitMs: 2) }
        #expect(counter.calls == 1)
    }

    /// Timers armed on the loop fire from `runOnce` once due.
    @Test func loopFiresTimers() throws {
        final class Fired: TimerHandler {
            var count = 0
            func timerFired(_ timer: LoopTimer, now: Int64) { count += 1 }
        }
        let loop = try EventLoop(handle: LoopHandle(id: 0), log: ErrorLog(level: .emerg))
        let fired = Fired()
        let timer = LoopTimer(handler: fired)
        loop.arm(timer, afterMs: 20)
        for _ in 0..<100 where fired.count == 0 { loop.runOnce(maxWaitMs: 50) }
        #expect(fired.count == 1)
    }
}
