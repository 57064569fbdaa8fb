import Synchronization

/// Process-wide counters. Loops add to them when a session ends, not per byte, so they
/// cost nothing on the forwarding path.
public final class Metrics: Sendable {
    public let sessions = Atomic<UInt64>(0)
    public let activeSessions = Atomic<Int>(0)
    public let bytesSpliced = Atomic<UInt64>(0)
    public let bytesCopied = Atomic<UInt64>(0)
    public let bytesLost = Atomic<UInt64>(0)
    public let upstreamFailures = Atomic<UInt64>(0)

    public init() {}

    public var summary: String {
        "sessions=\(sessions.load(ordering: .relaxed)) spliced=\(bytesSpliced.load(ordering: .relaxed)) "
            + "copied=\(bytesCopied.load(ordering: .relaxed)) lost=\(bytesLost.load(ordering: .relaxed))"
    }
}
