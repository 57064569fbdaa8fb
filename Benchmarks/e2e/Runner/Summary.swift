/// The median of a scenario's repeats through one proxy.
struct Summary: Codable, Sendable {
    var scenario: String
    var proxy: String
    var runs: Int
    var figure: Double
    var cpu: Double?
    var p50us: Double?
    var p99us: Double?
    var extra: [String: Double]
    var problems: [String]

    static func of(_ samples: [Sample]) -> Summary? {
        guard let first = samples.first else { return nil }
        let good = samples.filter { $0.problem == nil }
        let use = good.isEmpty ? samples : good
        var extra: [String: Double] = [:]
        for key in Set(use.flatMap(\.extra.keys)) {
            extra[key] = median(use.compactMap { $0.extra[key] })
        }
        return Summary(
            scenario: first.scenario, proxy: first.proxy, runs: use.count,
            figure: median(use.map(\.figure)) ?? 0,
            cpu: median(use.compactMap(\.cpu)),
            p50us: median(use.compactMap(\.p50us)),
            p99us: median(use.compactMap(\.p99us)),
            extra: extra,
            problems: samples.compactMap { sample in sample.problem.map { "run \(sample.run): \($0)" } })
    }
}

func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Summaries of one run, looked up by scenario and proxy.
struct Results: Sendable {
    var summaries: [Summary]

    func get(_ scenario: String, _ proxy: String) -> Summary? {
        summaries.first { $0.scenario == scenario && $0.proxy == proxy && $0.figure > 0 }
    }

    /// nginx's better configuration for this scenario (stock or 64 KiB buffers), the one
    /// every ratio is taken against: beat its best, not its worst.
    func nginx(_ scenario: Scenario) -> Summary? {
        let candidates = ["nginx", "nginx-tuned"].compactMap { get(scenario.id, $0) }
        return candidates.max { a, b in scenario.higherIsBetter ? a.figure < b.figure : a.figure > b.figure }
    }

    /// True when a proxy came within 10% of no proxy at all: the load tools, not the proxy,
    /// set the pace, and the scenario says nothing about the proxies.
    func loadBound(_ scenario: Scenario) -> Bool {
        guard scenario.higherIsBetter, let direct = get(scenario.id, "direct") else { return false }
        return summaries.contains { $0.scenario == scenario.id && $0.proxy != "direct" && $0.figure >= 0.9 * direct.figure }
    }
}
