/// The response statuses an HTTP health probe accepts (`match=` of `health_check`): one status
/// (`200`), a range (`200-399`) or a comma-separated list of either (`200,204`, `200-299,304`).
/// nginx Plus names a `match {}` block there instead; a status set covers what most checks need
/// without a second block kind.
public struct StatusMatch: Sendable, Hashable, CustomStringConvertible {
    public let ranges: [ClosedRange<Int>]

    /// nginx Plus's default for a check without `match`: any 2xx or 3xx answer is healthy.
    public static let successOrRedirect = StatusMatch(ranges: [200...399])

    public init(ranges: [ClosedRange<Int>]) {
        self.ranges = ranges
    }

    /// Parses `200`, `200-399`, `200,204`...; nil for anything else, a status outside 100-599 or
    /// a range whose end comes before its start.
    public init?(_ text: some StringProtocol) {
        var ranges: [ClosedRange<Int>] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = Self.status(bounds[0]) else { return nil }
            let high = bounds.count == 2 ? Self.status(bounds[1]) : low
            guard let high, low <= high else { return nil }
            ranges.append(low...high)
        }
        self.ranges = ranges
    }

    public func contains(_ status: Int) -> Bool {
        ranges.contains { $0.contains(status) }
    }

    /// As it would be written (`200-399`, `200,204`), for log lines.
    public var description: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }

    /// Three digits, as a status line carries them.
    private static func status(_ text: some StringProtocol) -> Int? {
        guard text.utf8.count == 3, let value = Units.number(text), (100...599).contains(value) else { return nil }
        return value
    }
}
