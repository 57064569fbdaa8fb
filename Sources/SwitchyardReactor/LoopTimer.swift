/// Who is told when a timer expires. See `LoopTimer.handler` for how it is held.
public protocol TimerHandler: AnyObject {
    func timerFired(_ timer: LoopTimer, now: Int64)
}

/// One timeout of one connection (connect, idle, preread...). Resetting it on activity is a
/// single store (`deadline = now + timeout`): the queue notices the later deadline only when
/// the old one comes up, and re-files the timer then. That keeps per-byte activity O(1).
public final class LoopTimer {
    /// Absolute deadline in monotonic milliseconds; 0 when disarmed.
    public var deadline: Int64 = 0
    /// Not a weak reference: a weak one gives its target a side table, and then every retain
    /// and release of that session (several per event) takes the runtime's slow path. The
    /// timer holds its handler strongly only while armed (`armedHandler`), which is the only
    /// time the handler is read: a session that forgets to disarm lives until the deadline,
    /// is told, and is let go; a disarmed timer keeps nothing alive.
    public unowned(unsafe) var handler: TimerHandler?
    /// Set from `handler` while the timer is armed.
    var armedHandler: TimerHandler?
    /// The key of this timer's newest entry in the queue, if any. Older entries are stale.
    var queuedKey: Int64?

    public init(handler: TimerHandler? = nil) {
        self.handler = handler
    }

    public var isArmed: Bool { deadline != 0 }
}

@available(*, unavailable)
extension LoopTimer: Sendable {}

/// A binary min-heap of (deadline, timer) with lazy re-filing: the timer facility of one loop.
public struct TimerQueue {
    private struct Entry {
        var key: Int64
        var timer: LoopTimer
    }

    private var heap: [Entry] = []

    public init() {}

    public var count: Int { heap.count }

    /// Arms (or re-arms) a timer. Moving a deadline later costs nothing; moving it earlier
    /// files a new entry and leaves the old one to be dropped as stale.
    public mutating func arm(_ timer: LoopTimer, deadline: Int64) {
        timer.deadline = max(deadline, 1)
        if timer.armedHandler == nil { timer.armedHandler = timer.handler }
        if let queued = timer.queuedKey, queued <= timer.deadline { return }
        push(Entry(key: timer.deadline, timer: timer))
        timer.queuedKey = timer.deadline
    }

    public func disarm(_ timer: LoopTimer) {
        timer.deadline = 0
        timer.armedHandler = nil
    }

    /// The earliest key in the queue; it may belong to a timer that moved later, which only
    /// makes the loop wake early once.
    public var nextKey: Int64? { heap.first?.key }

    /// Pops every entry due at `now` and returns the timers that really expired, still armed
    /// with their handlers: `fire` tells each one.
    public mutating func expired(now: Int64) -> [LoopTimer] {
        var fired: [LoopTimer] = []
        while let top = heap.first, top.key <= now {
            let entry = popTop()
            let timer = entry.timer
            guard timer.queuedKey == entry.key else { continue }  // superseded by an earlier arm
            timer.queuedKey = nil
            if timer.deadline == 0 {
                timer.armedHandler = nil
                continue
            }
            if timer.deadline > now {
                push(Entry(key: timer.deadline, timer: timer))
                timer.queuedKey = timer.deadline
                continue
            }
            fired.append(timer)
        }
        return fired
    }

    /// Disarms an expired timer and tells its handler, which may arm it again.
    public static func fire(_ timer: LoopTimer, now: Int64) {
        timer.deadline = 0
        guard let handler = timer.armedHandler else { return }
        timer.armedHandler = nil
        handler.timerFired(timer, now: now)
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent].key <= heap[child].key { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func popTop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].key < heap[smallest].key { smallest = left }
                if right < heap.count, heap[right].key < heap[smallest].key { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
