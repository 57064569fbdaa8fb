import Glibc

/// Nanoseconds on CLOCK_MONOTONIC (a vDSO call, no syscall): cheap enough to read once per
/// message for round-trip times.
enum Nanos {
    @inline(__always)
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    static func from(seconds: Double) -> UInt64 {
        UInt64(max(0, seconds) * 1e9)
    }
}

/// A point in time a client must not run past: every client loop checks one.
struct Deadline {
    let at: UInt64

    init(at: UInt64) { self.at = at }

    init(afterSeconds seconds: Double) {
        at = Nanos.now() &+ Nanos.from(seconds: seconds)
    }

    var hasPassed: Bool { Nanos.now() >= at }

    /// Milliseconds left, for epoll_wait (at least 1 while not passed, so a loop does not spin
    /// on a zero timeout for the last fraction of a millisecond).
    var remainingMs: Int32 {
        let now = Nanos.now()
        guard now < at else { return 0 }
        return Int32(clamping: (at - now + 999_999) / 1_000_000)
    }

    /// The earlier of two deadlines.
    func min(_ other: Deadline) -> Deadline { at <= other.at ? self : other }
}
