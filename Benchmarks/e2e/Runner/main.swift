import Foundation
import Synchronization

// sy-bench: Switchyard, nginx, HAProxy and sslh side by side on this machine. Started by
// Benchmarks/e2e/run, which installs and builds what it needs first.

func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

let options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    log("sy-bench: \(error)")
    exit(2)
}

if let folder = options.configsOnly {
    let ports = Ports(base: options.portBase)
    for id in options.proxies {
        guard let proxy = ProxyLineup.make(id, ports: ports, switchyard: options.switchyard) else { continue }
        let dir = URL(fileURLWithPath: folder).appendingPathComponent(id)
        try? FileManager.default.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
        for file in proxy.files {
            try? file.text.replacingOccurrences(of: "{dir}", with: dir.path)
                .write(to: dir.appendingPathComponent(file.name), atomically: true, encoding: .utf8)
        }
        let commands = proxy.commands.map { $0.joined(separator: " ").replacingOccurrences(of: "{dir}", with: dir.path) }
        if !commands.isEmpty { print("\(id): \(commands.joined(separator: " & "))") }
    }
    exit(0)
}

let sysctls = Mutex(SysctlGuard())
func finish(_ status: Int32) -> Never {
    Spawn.stopAll()
    sysctls.withLock { $0.restore() }
    exit(status)
}
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let interrupts = [SIGINT, SIGTERM].map { number in
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler {
        log("sy-bench: interrupted; stopping everything it started")
        finish(130)
    }
    source.resume()
    return source
}

// Each proxied connection takes two descriptors; 8,000 idle tunnels need 16,000.
var limit = rlimit()
getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
limit.rlim_cur = limit.rlim_max
setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)

let ports = Ports(base: options.portBase)
for port in ports.all where !portIsFree(port) {
    log("sy-bench: 127.0.0.1:\(port) is taken; stop what holds it or pass --port-base")
    exit(1)
}
// Thousands of short connections a second leave ports in TIME_WAIT; reuse them, as a
// benchmark box would be set up. Put back at the end.
sysctls.withLock { $0.set("net.ipv4.tcp_tw_reuse", "1") }

let stamp: String = {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd'T'HHmm"
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date())
}()
let work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("sy-bench-\(getpid())")
try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)

let backends: Spawned
do {
    backends = try Spawn.start(
        "backends", cpu: options.loadCPU,
        [options.load, "backend", "all", "--tcp", "\(ports.backendTCP)", "--http", "\(ports.backendHTTP)", "--ws", "\(ports.backendWS)"],
        in: work)
} catch {
    log("sy-bench: cannot start the backends: \(error)")
    finish(1)
}
guard backends.waitForOutput(containing: "ready", seconds: 10) else {
    log("sy-bench: the backends did not start: \(backends.output)")
    finish(1)
}

let machine = Machine.describe(switchyard: options.switchyard)
log("machine: \(machine.line)")
let runner = ScenarioRunner(
    load: options.load, dir: work, loadCPU: options.loadCPU, seconds: options.seconds, bulkBytes: options.bulkBytes,
    shortCount: options.shortCount, idleCount: options.idleCount)
var samples: [Sample] = []
var labels: [String: String] = [:]
let lineup = options.proxies.compactMap { ProxyLineup.make($0, ports: ports, switchyard: options.switchyard) }
for proxy in lineup { labels[proxy.id] = proxy.label }

for run in 1...options.repeats {
    // Each repeat starts one proxy later in the lineup, so a slow spell of this shared
    // machine does not always land on the same contender.
    let shift = (run - 1) % max(lineup.count, 1)
    for proxy in lineup[shift...] + lineup[..<shift] {
        let scenarios = Scenario.all.filter { options.scenarios.contains($0.id) && (proxy.kind != .hybrid || $0.onHybrid) }
        guard !scenarios.isEmpty else { continue }
        let running: RunningProxy?
        do {
            running = proxy.kind == .direct ? nil : try RunningProxy(proxy, dir: work.appendingPathComponent("\(proxy.id)-\(run)"), cpu: options.proxyCPU)
        } catch {
            log("run \(run) \(proxy.label): \(error)")
            samples += scenarios.map { Sample(scenario: $0.id, proxy: proxy.id, run: run, figure: 0, extra: [:], problem: "\(error)") }
            continue
        }
        for scenario in scenarios {
            let sample = runner.run(scenario, through: running, endpoints: proxy.endpoints, proxyID: proxy.id, run: run)
            samples.append(sample)
            let cpu = sample.cpu.map { String(format: ", %.3f %@", $0, scenario.cpuUnit ?? "") } ?? ""
            let p99 = sample.p99us.map { String(format: ", p99 %.2f ms", $0 / 1000) } ?? ""
            log("run \(run) \(proxy.label) \(scenario.id): \(Report.figure(sample.figure, unit: scenario.unit)) \(scenario.unit)\(p99)\(cpu)\(sample.problem.map { " [\($0)]" } ?? "")")
            // Connections of the last scenario leave TIME_WAIT and closing sockets behind;
            // let the kernel settle so the next one starts clean.
            Thread.sleep(forTimeInterval: 1)
        }
        running?.stop()
    }
}

var callgrind: [String: Double] = [:]
if options.callgrind && options.proxies.contains("switchyard") {
    callgrind = Callgrind(load: options.load, dir: work, ports: ports, switchyard: options.switchyard).measure(log: log)
}
backends.stop()

let summaries = lineup.flatMap { proxy in
    Scenario.all.compactMap { scenario in Summary.of(samples.filter { $0.proxy == proxy.id && $0.scenario == scenario.id }) }
}
let results = Results(summaries: summaries)
let passed = CommandLine.arguments.dropFirst().enumerated().filter { index, argument in
    !["--switchyard", "--load", "--results"].contains(argument)
        && !(index > 0 && ["--switchyard", "--load", "--results"].contains(CommandLine.arguments[index]))
}.map(\.element)
let report = Report(
    date: stamp, command: (["Benchmarks/e2e/run"] + passed).joined(separator: " "), machine: machine,
    repeats: options.repeats, seconds: options.seconds, proxies: lineup.map(\.id), samples: samples, summaries: summaries,
    callgrind: callgrind, targets: Targets.check(results, callgrind: callgrind))
let markdown = report.markdown(labels: labels)
do {
    let folder = URL(fileURLWithPath: options.results)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let json = try encoder.encode(report)
    for name in [stamp, "latest"] {
        try markdown.write(to: folder.appendingPathComponent("\(name).md"), atomically: true, encoding: .utf8)
        try json.write(to: folder.appendingPathComponent("\(name).json"))
    }
    log("written: \(folder.path)/\(stamp).md and .json (and latest.*)")
} catch {
    log("sy-bench: cannot write the results: \(error)")
}
print(markdown)
try? FileManager.default.removeItem(at: work)
_ = interrupts
finish(0)
