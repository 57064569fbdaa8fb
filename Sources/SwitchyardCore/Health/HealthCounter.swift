/// nginx Plus's verdict on one server from its probes: `fails` failed probes in a row take a
/// healthy server out, `passes` passed probes in a row bring an unhealthy one back. A result
/// that agrees with the current state breaks the streak of the other kind.
struct HealthCounter: Sendable, Equatable {
    let fails: Int
    let passes: Int
    private(set) var healthy: Bool
    /// Results in a row that disagree with `healthy`.
    private var streak = 0

    init(fails: Int, passes: Int, healthy: Bool = true) {
        self.fails = max(1, fails)
        self.passes = max(1, passes)
        self.healthy = healthy
    }

    /// Counts one probe; true when it changed the state (the moment to log).
    mutating func record(passed: Bool) -> Bool {
        guard passed != healthy else {
            streak = 0
            return false
        }
        streak += 1
        guard streak >= (healthy ? fails : passes) else { return false }
        healthy = passed
        streak = 0
        return true
    }
}
