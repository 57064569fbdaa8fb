import Foundation

/// One run's tables, as Markdown (for people and the README) and JSON (for tools).
struct Report: Codable {
    var date: String
    var command: String
    var machine: Machine
    var repeats: Int
    var seconds: Int
    var proxies: [String]
    var samples: [Sample]
    var summaries: [Summary]
    var callgrind: [String: Double]
    var targets: [TargetCheck]

    var results: Results { Results(summaries: summaries) }

    func markdown(labels: [String: String]) -> String {
        var text = "# Switchyard end to end, \(date)\n\n"
        text += "`\(command)`: each figure is the median of \(repeats) runs"
        text += " (timed runs \(seconds) s); the proxy is pinned to CPU 0, backends and load tools to CPU 1.\n\n"
        text += "Machine: \(machine.line)\n\n"
        text += "## Figures (× nginx: against nginx's better configuration, stock or 64 KiB buffers)\n\n"
        text += matrix(labels: labels, kinds: [.direct, .dedicated])
        text += "\n## One port for HTTP, WebSocket and TCP\n\n"
        text += hybridTable(labels: labels)
        text += "\n## Details\n\n"
        text += details(labels: labels)
        if !callgrind.isEmpty {
            text += "\n## Instructions (valgrind --tool=callgrind, user space, one keep-alive connection)\n\n"
            text += "| per | Switchyard | nginx | ratio |\n|---|---|---|---|\n"
            for (kind, name) in [("http", "proxied HTTP request"), ("ws", "128-byte WebSocket echo")] {
                let mine = callgrind["switchyard.\(kind)"]
                let theirs = callgrind["nginx.\(kind)"]
                let ratio = mine.flatMap { m in theirs.map { Self.format(m / $0, digits: 2) + "×" } } ?? "–"
                text += "| \(name) | \(mine.map { Self.grouped($0) } ?? "–") | \(theirs.map { Self.grouped($0) } ?? "–") | \(ratio) |\n"
            }
        }
        text += "\n## Targets\n\n"
        for check in targets {
            let mark = check.holds.map { $0 ? "holds" : "MISSED" } ?? "not measured"
            let digits = check.detail == "ratio" ? 2 : check.detail == "percent" ? 1 : 0
            let value = check.measured.map { Self.format($0, digits: digits) } ?? "–"
            text += "- \(mark): \(check.target) (measured \(value)\(check.detail == "ratio" ? "×" : check.detail == "percent" ? "%" : ""))\n"
        }
        return text
    }

    /// Scenarios down, proxies across: the figure and its ratio to nginx.
    private func matrix(labels: [String: String], kinds: [Proxy.Kind]) -> String {
        let columns = proxies.filter { id in kinds.contains(ProxyLineup.kind(of: id)) }
        var text = "| scenario | unit | " + columns.map { labels[$0] ?? $0 }.joined(separator: " | ") + " |\n"
        text += "|---|---|" + columns.map { _ in "---|" }.joined() + "\n"
        for scenario in Scenario.all {
            let reference = results.nginx(scenario)
            var row = "| \(scenario.title)\(results.loadBound(scenario) ? " (load-bound)" : "") | \(scenario.unit) |"
            for id in columns {
                guard let summary = results.get(scenario.id, id) else { row += " – |"; continue }
                var cell = Self.figure(summary.figure, unit: scenario.unit)
                if let reference, id != "direct", !id.hasPrefix("nginx") {
                    cell += " (\(Self.format(summary.figure / reference.figure, digits: 2))×)"
                }
                row += " \(cell) |"
            }
            text += row + "\n"
        }
        text += "\nProxy CPU per unit of work (× nginx):\n\n"
        text += "| scenario | per | " + columns.filter { $0 != "direct" }.map { labels[$0] ?? $0 }.joined(separator: " | ") + " |\n"
        text += "|---|---|" + columns.filter { $0 != "direct" }.map { _ in "---|" }.joined() + "\n"
        for scenario in Scenario.all {
            guard let unit = scenario.cpuUnit else { continue }
            let reference = results.nginx(scenario)?.cpu
            var row = "| \(scenario.title) | \(unit) |"
            for id in columns where id != "direct" {
                guard let cpu = results.get(scenario.id, id)?.cpu else { row += " – |"; continue }
                var cell = Self.format(cpu, digits: 3)
                if let reference, reference > 0, !id.hasPrefix("nginx") { cell += " (\(Self.format(cpu / reference, digits: 2))×)" }
                row += " \(cell) |"
            }
            text += row + "\n"
        }
        return text
    }

    private func hybridTable(labels: [String: String]) -> String {
        let columns = ["switchyard", "switchyard-hybrid", "haproxy-one-port", "sslh-nginx"].filter { proxies.contains($0) }
        var text = "| scenario | unit | " + columns.map { labels[$0] ?? $0 }.joined(separator: " | ") + " | one-port cost | vs HAProxy | vs sslh |\n"
        text += "|---|---|" + columns.map { _ in "---|" }.joined() + "---|---|---|\n"
        for scenario in Scenario.all where scenario.onHybrid {
            var row = "| \(scenario.title) | \(scenario.unit) |"
            for id in columns {
                row += " \(results.get(scenario.id, id).map { Self.figure($0.figure, unit: scenario.unit) } ?? "–") |"
            }
            let hybrid = results.get(scenario.id, "switchyard-hybrid")?.figure
            func against(_ id: String) -> String {
                guard let hybrid, let other = results.get(scenario.id, id)?.figure else { return "–" }
                return Self.format(hybrid / other, digits: 2) + "×"
            }
            let cost = hybrid.flatMap { h in results.get(scenario.id, "switchyard").map { Self.format((1 - h / $0.figure) * 100, digits: 1) + "%" } } ?? "–"
            row += " \(cost) | \(against("haproxy-one-port")) | \(against("sslh-nginx")) |"
            text += row + "\n"
        }
        return text
    }

    private func details(labels: [String: String]) -> String {
        var text = "| scenario | proxy | figure | p50 | p99 | CPU | other | problems |\n|---|---|---|---|---|---|---|---|\n"
        for scenario in Scenario.all {
            for id in proxies {
                guard let summary = summaries.first(where: { $0.scenario == scenario.id && $0.proxy == id }) else { continue }
                let latency = { (value: Double?) in value.map { Self.format($0 / 1000, digits: 2) + " ms" } ?? "" }
                let cpu = summary.cpu.map { "\(Self.format($0, digits: 3)) \(scenario.cpuUnit ?? "")" } ?? ""
                let other = summary.extra.keys.sorted().filter { $0 != "seconds" }
                    .map { "\($0) \(Self.format(summary.extra[$0]!, digits: 0))" }.joined(separator: ", ")
                text += "| \(scenario.id) | \(labels[id] ?? id) | \(Self.figure(summary.figure, unit: scenario.unit)) \(scenario.unit)"
                text += " | \(latency(summary.p50us)) | \(latency(summary.p99us)) | \(cpu) | \(other) | \(summary.problems.joined(separator: "; ")) |\n"
            }
        }
        return text
    }

    static func figure(_ value: Double, unit: String) -> String {
        unit == "Gbit/s" ? format(value, digits: 1) : grouped(value)
    }

    static func format(_ value: Double, digits: Int) -> String { String(format: "%.\(digits)f", value) }

    /// 12345.6 → "12,346".
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 && character != "-" { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }
}
