import CSwitchyardShims
import Glibc

/// One epoll loop, driven by one thread, owning every descriptor registered with it.
///
/// Registrations are tagged with a generation number in `epoll_data.u64` beside the fd: a
/// proxy often closes both sockets of a pair while handling one event of a batch, the kernel
/// hands the same number to the next accept, and a stale event for the old socket must not
/// reach the new owner.
public final class EventLoop {
    private struct Registration {
        var generation: UInt32 = 0
        var interest: Interest = .none
        var handler: EventHandler?
    }

    public let handle: LoopHandle
    public private(set) var now: Int64
    public var timers = TimerQueue()
    public var log: ErrorLog
    /// The object that runs on this loop (a worker), so jobs sent through the handle can
    /// reach it without capturing anything that isn't Sendable. The owner keeps itself
    /// alive around `run()`, the only time jobs run. Not weak: a weak reference gives the
    /// owner a side table, and every retain and release of it then takes the slow path.
    public unowned(unsafe) var owner: AnyObject?

    private let epfd: OwnedFD
    private var registrations: [Registration] = []
    private var running = false
    private var events: UnsafeMutableBufferPointer<epoll_event>
    private static let wakeTag: UInt64 = UInt64.max
    /// Work that must run after the current batch of events (e.g. closing a finished
    /// session whose handler is still on the stack).
    private var deferred: [() -> Void] = []

    public init(handle: LoopHandle, log: ErrorLog, maxEvents: Int = 512) throws(SysError) {
        self.handle = handle
        self.log = log
        self.epfd = OwnedFD(try Sys.epollCreate())
        self.events = .allocate(capacity: maxEvents)
        self.now = MonotonicClock.nowMs()
        try Sys.epollControl(epfd.raw, EPOLL_CTL_ADD, handle.rawWakeFD, events: EPOLLIN.rawValue, data: Self.wakeTag)
    }

    deinit {
        events.deallocate()
    }

    /// Starts watching `fd`. The loop does not own the descriptor: its owner calls
    /// `deregister` and then closes it.
    public func register(fd: Int32, interest: Interest, handler: EventHandler) throws(SysError) {
        claim(fd, interest: interest, handler: handler)
        do {
            try Sys.epollControl(epfd.raw, EPOLL_CTL_ADD, fd, events: Self.mask(interest), data: tag(fd))
        } catch where error.errno == EEXIST {
            // Deregistered but still open (a connected upstream socket passing from the
            // session to its tunnel): the kernel still watches it, so re-tag it instead.
            try Sys.epollControl(epfd.raw, EPOLL_CTL_MOD, fd, events: Self.mask(interest), data: tag(fd))
        }
    }

    /// Gives `fd`'s registration a new owner and generation (events of the old one still in
    /// this batch are then dropped).
    private func claim(_ fd: Int32, interest: Interest, handler: EventHandler) {
        let index = Int(fd)
        if index >= registrations.count {
            registrations.append(contentsOf: repeatElement(Registration(), count: max(index + 1 - registrations.count, 64)))
        }
        registrations[index].generation &+= 1
        registrations[index].handler = handler
        registrations[index].interest = interest
    }

    /// Watches `fd` for a new owner when it was deregistered but stayed open (an idle
    /// upstream connection going into or out of a pool, a socket passed to a tunnel): the
    /// kernel still has it, so one EPOLL_CTL_MOD does it, where `register` would first fail
    /// an ADD with EEXIST.
    public func reregister(fd: Int32, interest: Interest, handler: EventHandler) throws(SysError) {
        claim(fd, interest: interest, handler: handler)
        do {
            try Sys.epollControl(epfd.raw, EPOLL_CTL_MOD, fd, events: Self.mask(interest), data: tag(fd))
        } catch where error.errno == ENOENT {
            try Sys.epollControl(epfd.raw, EPOLL_CTL_ADD, fd, events: Self.mask(interest), data: tag(fd))
        }
    }

    /// Hands a watched descriptor to a new owner (an idle upstream connection into or out of
    /// its pool) without a system call when the interest stays the same. The generation is
    /// kept, so an event of the old owner still in this batch reaches the new one: both must
    /// take a readiness that turns out to be nothing (a read that would block) in stride.
    public func transfer(fd: Int32, interest: Interest, to handler: EventHandler) throws(SysError) {
        let index = Int(fd)
        guard index < registrations.count, registrations[index].handler != nil else {
            try reregister(fd: fd, interest: interest, handler: handler)
            return
        }
        registrations[index].handler = handler
        try setInterest(fd: fd, interest)
    }

    /// Changes what `fd` is watched for; costs a syscall only when it really changes.
    public func setInterest(fd: Int32, _ interest: Interest) throws(SysError) {
        let index = Int(fd)
        guard index < registrations.count, registrations[index].handler != nil else { return }
        if registrations[index].interest == interest { return }
        registrations[index].interest = interest
        try Sys.epollControl(epfd.raw, EPOLL_CTL_MOD, fd, events: Self.mask(interest), data: tag(fd))
    }

    /// Forgets `fd`. Its events still in this batch are dropped by generation. The caller
    /// closes the descriptor next, which also removes it from the epoll set; an explicit
    /// EPOLL_CTL_DEL would be one more syscall per socket for nothing.
    public func deregister(fd: Int32) {
        let index = Int(fd)
        guard index < registrations.count else { return }
        registrations[index].generation &+= 1
        registrations[index].handler = nil
        registrations[index].interest = .none
    }

    /// Forgets `fd` and takes it out of the epoll set, for descriptors that stay open
    /// (a listener handed back, a socket moving to another owner).
    public func deregisterKeepingOpen(fd: Int32) {
        deregister(fd: fd)
        try? Sys.epollControl(epfd.raw, EPOLL_CTL_DEL, fd, events: 0, data: 0)
    }

    public func arm(_ timer: LoopTimer, afterMs delay: Int64) {
        timers.arm(timer, deadline: now + max(delay, 0))
    }

    /// Pushes a timer's deadline later without touching the queue: the O(1) reset for
    /// activity on a connection.
    @inline(__always)
    public func touch(_ timer: LoopTimer, afterMs delay: Int64) {
        if timer.deadline != 0 { timer.deadline = now + delay }
    }

    public func disarm(_ timer: LoopTimer) {
        timers.disarm(timer)
    }

    public func runAfterBatch(_ work: @escaping () -> Void) {
        deferred.append(work)
    }

    public func stop() {
        running = false
    }

    public var isRunning: Bool { running }

    /// Runs until `stop()`. Level-triggered: a handler that stops early (fairness) is called
    /// again on the next round instead of losing the event.
    public func run() {
        running = true
        while running {
            runOnce(maxWaitMs: -1)
        }
    }

    /// One round: wait for events or the next timer, dispatch, fire expired timers.
    public func runOnce(maxWaitMs: Int32) {
        var timeout: Int32 = maxWaitMs
        if let next = timers.nextKey {
            let wait = Int32(clamping: max(0, next - MonotonicClock.nowMs()))
            timeout = timeout < 0 ? wait : min(timeout, wait)
        }
        let count: Int
        do {
            count = try Sys.epollWait(epfd.raw, events, timeoutMs: timeout)
        } catch {
            log.error("\(error)")
            count = 0
        }
        now = MonotonicClock.nowMs()
        for i in 0..<count {
            let event = events[i]
            let data = event.data.u64
            if data == Self.wakeTag {
                for job in handle.takeJobs() { job(self) }
                continue
            }
            let fd = Int32(truncatingIfNeeded: data & 0xFFFF_FFFF)
            let generation = UInt32(truncatingIfNeeded: data >> 32)
            let index = Int(fd)
            guard index < registrations.count, registrations[index].generation == generation,
                let handler = registrations[index].handler
            else { continue }
            handler.handle(fd: fd, readiness: Readiness(rawValue: event.events), loop: self)
        }
        for timer in timers.expired(now: now) {
            // An earlier handler of this round may have disarmed it or armed it again.
            if timer.deadline != 0 && timer.deadline <= now { TimerQueue.fire(timer, now: now) }
        }
        while !deferred.isEmpty {
            let work = deferred
            deferred.removeAll()
            for item in work { item() }
        }
    }

    private func tag(_ fd: Int32) -> UInt64 {
        UInt64(registrations[Int(fd)].generation) << 32 | UInt64(UInt32(bitPattern: fd))
    }

    private static func mask(_ interest: Interest) -> UInt32 {
        interest.rawValue
    }
}

@available(*, unavailable)
extension EventLoop: Sendable {}
