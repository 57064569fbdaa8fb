import Glibc

/// Seconds on CLOCK_MONOTONIC: what every bound in the harness is measured against.
public enum MonotonicTime {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Sleeps the calling thread (never a task): the harness waits on real threads only.
    public static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        usleep(useconds_t(min(seconds, 60) * 1_000_000))
    }
}

/// A point in monotonic time that a bounded loop runs against.
public struct Deadline: Sendable, CustomStringConvertible {
    public let at: Double

    public init(seconds: Double) { at = MonotonicTime.now() + seconds }

    public var remaining: Double { max(0, at - MonotonicTime.now()) }
    public var hasPassed: Bool { MonotonicTime.now() >= at }

    /// A poll(2) timeout that never sleeps past the deadline nor longer than `cap` ms.
    public func pollMilliseconds(cap: Int32 = 100) -> Int32 {
        Int32(min(Double(cap), (remaining * 1000).rounded(.up)))
    }

    public var description: String { "deadline in \(String(format: "%.3f", remaining)) s" }
}

/// Polls `condition` every `interval` seconds until it holds or `timeout` passes.
@discardableResult
public func waitUntil(timeout: Double, interval: Double = 0.01, _ condition: () -> Bool) -> Bool {
    let deadline = Deadline(seconds: timeout)
    while true {
        if condition() { return true }
        if deadline.hasPassed { return false }
        MonotonicTime.sleep(min(interval, deadline.remaining))
    }
}
