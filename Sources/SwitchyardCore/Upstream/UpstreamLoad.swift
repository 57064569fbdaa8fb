import Synchronization

/// Active connections per peer of one upstream group, shared by every worker thread: the
/// snapshot's group spec holds one, and each worker's copy of the group refers to it. This is
/// what `least_conn`, `random two` and `max_conns` read (nginx needs a `zone` to share it
/// between its processes; threads share it always).
public final class UpstreamLoad: Sendable {
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    private let counters: [Counter]

    public init(peerCount: Int) {
        counters = (0..<peerCount).map { _ in Counter() }
    }

    /// Connections open to (or being opened to) `peer` right now, by every worker.
    public func active(_ peer: Int) -> Int {
        counters[peer].value.load(ordering: .relaxed)
    }

    func acquire(_ peer: Int) {
        counters[peer].value.add(1, ordering: .relaxed)
    }

    func release(_ peer: Int) {
        counters[peer].value.subtract(1, ordering: .relaxed)
    }
}
