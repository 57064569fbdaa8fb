/// The product's targets, checked against one run's medians.
struct TargetCheck: Codable, Sendable {
    var target: String
    /// Measured ratio or figure, and the bound it is held to.
    var measured: Double?
    var bound: Double
    var holds: Bool?
    var detail: String
}

enum Targets {
    static func check(_ results: Results, callgrind: [String: Double]) -> [TargetCheck] {
        var checks: [TargetCheck] = []
        func scenario(_ id: String) -> Scenario { Scenario.all.first { $0.id == id }! }
        func ratio(_ id: String, _ proxy: String = "switchyard", against other: Summary?) -> Double? {
            guard let mine = results.get(id, proxy), let other else { return nil }
            return mine.figure / other.figure
        }
        func cpuRatio(_ id: String) -> Double? {
            guard let mine = results.get(id, "switchyard")?.cpu, let nginx = results.nginx(scenario(id))?.cpu, nginx > 0 else { return nil }
            return mine / nginx
        }
        func add(_ name: String, _ value: Double?, atLeast bound: Double, _ detail: String) {
            checks.append(TargetCheck(target: name, measured: value, bound: bound, holds: value.map { $0 >= bound }, detail: detail))
        }
        func add(_ name: String, _ value: Double?, atMost bound: Double, _ detail: String) {
            checks.append(TargetCheck(target: name, measured: value, bound: bound, holds: value.map { $0 <= bound }, detail: detail))
        }

        for id in ["tcp-bulk-up", "tcp-bulk-down"] {
            add("\(id): throughput ≥ 1.5× nginx", ratio(id, against: results.nginx(scenario(id))), atLeast: 1.5, "ratio")
            add("\(id): throughput ≥ HAProxy splice-auto", ratio(id, against: results.get(id, "haproxy-splice")), atLeast: 1.0, "ratio")
            add("\(id): CPU per GiB ≤ 0.5× nginx", cpuRatio(id), atMost: 0.5, "ratio")
        }
        add("http-keepalive: req/s ≥ 1.0× nginx", ratio("http-keepalive", against: results.nginx(scenario("http-keepalive"))), atLeast: 1.0, "ratio")
        add("http-keepalive: CPU per request ≤ 1.0× nginx", cpuRatio("http-keepalive"), atMost: 1.0, "ratio")
        add("ws-echo-128: messages/s ≥ 1.1× nginx", ratio("ws-echo-128", against: results.nginx(scenario("ws-echo-128"))), atLeast: 1.1, "ratio")
        let p99 = results.get("ws-echo-128", "switchyard")?.p99us.flatMap { mine in
            results.nginx(scenario("ws-echo-128"))?.p99us.map { mine / $0 }
        }
        add("ws-echo-128: p99 ≤ nginx", p99, atMost: 1.0, "ratio")
        add("ws-echo-16k: messages/s ≥ 2× nginx", ratio("ws-echo-16k", against: results.nginx(scenario("ws-echo-16k"))), atLeast: 2.0, "ratio")
        add("ws-handshake: handshakes/s ≥ 1.0× nginx", ratio("ws-handshake", against: results.nginx(scenario("ws-handshake"))), atLeast: 1.0, "ratio")
        add("ws-idle: proxy RSS per tunnel ≤ 4 KiB", results.get("ws-idle", "switchyard")?.figure, atMost: 4096, "bytes")

        for id in ["http-keepalive", "ws-echo-128", "ws-echo-16k", "ws-handshake"] {
            let overhead = ratio(id, "switchyard-hybrid", against: results.get(id, "switchyard")).map { (1 - $0) * 100 }
            add("\(id): one-port overhead ≤ 3%", overhead, atMost: 3, "percent")
        }
        for candidate in Scenario.all where candidate.onHybrid {
            add("\(candidate.id): one port ≥ HAProxy switch-mode", ratio(candidate.id, "switchyard-hybrid", against: results.get(candidate.id, "haproxy-one-port")), atLeast: 1.0, "ratio")
            add("\(candidate.id): one port ≥ 2× sslh → nginx", ratio(candidate.id, "switchyard-hybrid", against: results.get(candidate.id, "sslh-nginx")), atLeast: 2.0, "ratio")
        }
        add("callgrind: instructions per HTTP request ≤ 19,800", callgrind["switchyard.http"], atMost: 19_800, "instructions")
        add("callgrind: instructions per 128 B WebSocket echo ≤ 1,900", callgrind["switchyard.ws"], atMost: 1_900, "instructions")
        return checks
    }
}
