import Foundation

/// Runs scenarios against one proxy: the load tool on the load CPU, the proxy's CPU time read
/// before and after.
struct ScenarioRunner {
    var load: String
    var dir: URL
    var loadCPU: Int
    var seconds: Int
    var bulkBytes: Int
    var shortCount: Int
    var idleCount: Int

    func run(_ scenario: Scenario, through proxy: RunningProxy?, endpoints: Endpoints, proxyID: String, run: Int) -> Sample {
        let pids = proxy?.pids ?? []
        var sample = Sample(scenario: scenario.id, proxy: proxyID, run: run, figure: 0, extra: [:])
        let target = { (port: Int) in "127.0.0.1:\(port)" }
        let ws = ["--path", endpoints.wsPath, "--host", "127.0.0.1"]
        let cpuBefore = ProcStats.cpuSeconds(pids)
        let work: Double
        do {
            switch scenario.id {
            case "tcp-bulk-up", "tcp-bulk-down":
                let json = try tool(
                    "tcp-bulk", ["--target", target(endpoints.tcp), "--bytes", "\(bulkBytes)",
                                 "--direction", scenario.id.hasSuffix("up") ? "up" : "down"])
                sample.figure = json["gbps"] ?? 0
                sample.extra["seconds"] = json["seconds"]
                sample.extra["errors"] = json["errors"]
                work = Double(bulkBytes)
            case "tcp-short":
                let json = try tool(
                    "tcp-short", ["--target", target(endpoints.tcp), "--count", "\(shortCount)", "--bytes", "65536",
                                  "--concurrency", "50"])
                sample.figure = json["perSecond"] ?? 0
                sample.extra["errors"] = json["errors"]
                work = json["connections"] ?? 0
            case "http-keepalive":
                let result = try wrk(port: endpoints.http)
                sample.figure = result.perSecond
                sample.p50us = result.p50us
                sample.p99us = result.p99us
                sample.extra["errors"] = result.errors
                work = result.requests
            case "ws-echo-128", "ws-echo-16k":
                let small = scenario.id == "ws-echo-128"
                let json = try tool(
                    "ws-echo", ["--target", target(endpoints.ws)] + ws + [
                        "--connections", small ? "50" : "10", "--size", small ? "128" : "16384",
                        "--seconds", "\(seconds)", "--warmup", "1",
                    ])
                sample.figure = json["perSecond"] ?? 0
                sample.p50us = json["p50us"]
                sample.p99us = json["p99us"]
                sample.extra["errors"] = (json["errors"] ?? 0) + (json["mismatches"] ?? 0) + (json["handshakeFailures"] ?? 0)
                // The warm-up second is CPU the proxy spent too; count its messages at the
                // measured rate so CPU per message is not inflated by it.
                work = (json["messages"] ?? 0) * Double(seconds + 1) / Double(seconds)
            case "ws-handshake":
                let json = try tool(
                    "ws-handshake", ["--target", target(endpoints.ws)] + ws + ["--concurrency", "50", "--seconds", "\(seconds)"])
                sample.figure = json["perSecond"] ?? 0
                sample.p50us = json["p50us"]
                sample.p99us = json["p99us"]
                sample.extra["errors"] = json["errors"]
                work = json["handshakes"] ?? 0
            case "ws-idle":
                return idle(sample, pids: pids, endpoints: endpoints)
            default:
                throw RunnerError("unknown scenario \(scenario.id)")
            }
        } catch {
            sample.problem = "\(error)"
            return sample
        }
        let cpu = ProcStats.cpuSeconds(pids) - cpuBefore
        if proxy != nil, work > 0 { sample.cpu = cpu / work * scenario.cpuScale }
        if let errors = sample.extra["errors"], errors > 0 { sample.problem = "\(Int(errors)) errors" }
        if let proxy, !proxy.alive { sample.problem = "proxy exited" }
        return sample
    }

    /// Opens the idle tunnels, reads memory while they stand, then lets them go.
    private func idle(_ sample: Sample, pids: [Int32], endpoints: Endpoints) -> Sample {
        var sample = sample
        let rssBefore = ProcStats.rssBytes(pids)
        let socketsBefore = ProcStats.tcpSocketMemoryBytes()
        let systemBefore = ProcStats.systemUsedBytes()
        do {
            let client = try Spawn.start(
                "ws-idle", cpu: loadCPU,
                [load, "ws-idle", "--target", "127.0.0.1:\(endpoints.ws)", "--path", endpoints.wsPath, "--host", "127.0.0.1",
                 "--count", "\(idleCount)", "--timeout", "120"], in: dir)
            defer { client.stop() }
            guard client.waitForOutput(containing: "opened", seconds: 120) else {
                sample.problem = "the idle tunnels did not open in 120 s"
                return sample
            }
            // Let the proxy settle (lazy frees, timers) before reading memory.
            Thread.sleep(forTimeInterval: 1)
            let json = Self.parse(client.output)
            let opened = json["opened"] ?? 0
            let rss = ProcStats.rssBytes(pids) - rssBefore
            let sockets = ProcStats.tcpSocketMemoryBytes() - socketsBefore
            let system = ProcStats.systemUsedBytes() - systemBefore
            try? client.stdin.fileHandleForWriting.close()
            client.waitForExit(seconds: 30)
            guard opened > 0 else {
                sample.problem = "no tunnel opened"
                return sample
            }
            sample.figure = pids.isEmpty ? 0 : rss / opened
            sample.extra["opened"] = opened
            sample.extra["kernelSocketBytesPerConn"] = sockets / opened
            sample.extra["systemBytesPerConn"] = system / opened
            sample.extra["errors"] = json["errors"]
            if opened < Double(idleCount) { sample.problem = "only \(Int(opened)) of \(idleCount) opened" }
        } catch {
            sample.problem = "\(error)"
        }
        return sample
    }

    /// Runs one sy-load client and returns its JSON figures.
    private func tool(_ command: String, _ arguments: [String]) throws -> [String: Double] {
        let limit = 60 + seconds * 4
        let result = try Spawn.run(
            command, cpu: loadCPU, [load, command] + arguments + ["--timeout", "\(limit)"], in: dir,
            timeout: Double(limit + 15))
        let json = Self.parse(result.output)
        guard result.status == 0, !json.isEmpty else {
            throw RunnerError("sy-load \(command) exited \(result.status): \(result.errors.prefix(300)) \(result.output.prefix(300))")
        }
        return json
    }

    static func parse(_ text: String) -> [String: Double] {
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { return [:] }
        var numbers: [String: Double] = [:]
        for (key, value) in object {
            if let number = value as? NSNumber { numbers[key] = number.doubleValue }
        }
        return numbers
    }

    private func wrk(port: Int) throws -> WrkResult {
        let result = try Spawn.run(
            "wrk", cpu: loadCPU,
            ["/usr/bin/wrk", "-t1", "-c50", "-d\(seconds)s", "--latency", "http://127.0.0.1:\(port)/"], in: dir,
            timeout: Double(seconds + 30))
        guard result.status == 0, let parsed = WrkResult(result.output) else {
            throw RunnerError("wrk failed (\(result.status)): \(result.output.prefix(300)) \(result.errors.prefix(300))")
        }
        return parsed
    }
}
