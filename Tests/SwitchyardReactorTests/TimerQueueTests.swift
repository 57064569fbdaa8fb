import Testing
@testable import SwitchyardReactor

private final class Recorder: TimerHandler {
    var fired: [Int64] = []
    func timerFired(_ timer: LoopTimer, now: Int64) { fired.append(now) }
}

struct TimerQueueTests {
    /// Timers fire in deadline order, only once due.
    @Test func firesInDeadlineOrder() {
        var queue = TimerQueue()
        let a = LoopTimer(), b = LoopTimer(), c = LoopTimer()
        queue.arm(a, deadline: 300)
        queue.arm(b, deadline: 100)
        queue.arm(c, deadline: 200)
        #expect(queue.expired(now: 50).isEmpty)
        let due = queue.expired(now: 250)
        #expect(due.count == 2 && due[0] === b && due[1] === c)
        #expect(queue.expired(now: 300).first === a)
    }

    /// Moving a deadline later is a plain store, and the timer then fires at the new time,
    /// not the old one: the O(1) reset for activity.
    @Test func laterDeadlineIsHonouredLazily() {
        var queue = TimerQueue()
        let timer = LoopTimer()
        queue.arm(timer, deadline: 100)
        timer.deadline = 500  // what EventLoop.touch does
        #expect(queue.count == 1)
        #expect(queue.expired(now: 100).isEmpty)
        #expect(queue.count == 1)  // re-filed once, at its new deadline
        #expect(queue.nextKey == 500)
        #expect(queue.expired(now: 500).first === timer)
    }

    /// Arming earlier than the queued deadline fires at the earlier time, exactly once.
    @Test func earlierDeadlineFiresOnce() {
        var queue = TimerQueue()
        let timer = LoopTimer()
        queue.arm(timer, deadline: 1000)
        queue.arm(timer, deadline: 10)
        #expect(queue.expired(now: 10).count == 1)
        #expect(queue.expired(now: 2000).isEmpty)
    }

    /// A disarmed timer never fires, and its stale entry leaves the queue.
    @Test func disarmedTimerNeverFires() {
        var queue = TimerQueue()
        let timer = LoopTimer()
        queue.arm(timer, deadline: 10)
        queue.disarm(timer)
        #expect(queue.expired(now: 100).isEmpty)
        #expect(queue.count == 0)
    }

    /// A disarmed timer keeps nothing alive; an armed one keeps its handler until it fires
    /// (then tells it) or is disarmed, so a forgotten timer never reaches a freed session.
    @Test func handlerIsHeldOnlyWhileArmed() {
        var queue = TimerQueue()
        let timer = LoopTimer()
        weak var gone: Recorder?
        do {
            let recorder = Recorder()
            gone = recorder
            timer.handler = recorder
        }
        #expect(gone == nil)

        weak var kept: Recorder?
        do {
            let recorder = Recorder()
            kept = recorder
            timer.handler = recorder
            queue.arm(timer, deadline: 100)
        }
        #expect(kept != nil)
        let due = queue.expired(now: 100)
        #expect(due.count == 1)
        TimerQueue.fire(timer, now: 100)
        #expect(kept == nil)
        #expect(!timer.isArmed)

        weak var disarmed: Recorder?
        do {
            let recorder = Recorder()
            disarmed = recorder
            timer.handler = recorder
            queue.arm(timer, deadline: 200)
        }
        queue.disarm(timer)
        #expect(disarmed == nil)
    }
}
