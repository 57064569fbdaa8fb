import Foundation

/// The noise-free figure: user-space instructions per forwarded HTTP request and per 128-byte
/// WebSocket echo, counted by `valgrind --tool=callgrind` over one keep-alive connection. Each
/// proxy runs twice, with a short and a long sequence; the difference divided by the
/// difference in count cancels start-up, the first connection and shutdown.
struct Callgrind {
    var load: String
    var dir: URL
    var ports: Ports
    var switchyard: String
    var short = 1_000
    var long = 3_000

    /// "switchyard.http", "nginx.ws", ... → instructions per unit.
    func measure(log: (String) -> Void) -> [String: Double] {
        var figures: [String: Double] = [:]
        for proxy in ["nginx", "switchyard"] {
            for kind in ["http", "ws"] {
                do {
                    let few = try instructions(proxy: proxy, kind: kind, count: short)
                    let many = try instructions(proxy: proxy, kind: kind, count: long)
                    let per = (many - few) / Double(long - short)
                    figures["\(proxy).\(kind)"] = per.rounded()
                    log("callgrind \(proxy) \(kind): \(Int(per)) instructions per \(kind == "http" ? "request" : "echo")")
                } catch {
                    log("callgrind \(proxy) \(kind): \(error)")
                }
            }
        }
        return figures
    }

    private func instructions(proxy id: String, kind: String, count: Int) throws -> Double {
        let runDir = dir.appendingPathComponent("callgrind-\(id)-\(kind)-\(count)")
        try FileManager.default.createDirectory(at: runDir.appendingPathComponent("logs"), withIntermediateDirectories: true)
        // One client connection carries every request: both proxies' default of 1,000
        // requests per connection would end it.
        let config = ProxyConfigs.nginx(ports: ports, dir: runDir.path, tuned: false, httpExtra: "\n    keepalive_requests 100000;")
        try config.write(to: runDir.appendingPathComponent("proxy.conf"), atomically: true, encoding: .utf8)
        let out = runDir.appendingPathComponent("callgrind.out")
        let program =
            id == "nginx"
            ? ["/usr/sbin/nginx", "-p", runDir.path, "-c", runDir.appendingPathComponent("proxy.conf").path, "-e", runDir.appendingPathComponent("error.log").path]
            : [switchyard, "-c", runDir.appendingPathComponent("proxy.conf").path]
        let valgrind = try Spawn.start(
            "valgrind", cpu: 0, ["/usr/bin/valgrind", "--tool=callgrind", "--callgrind-out-file=\(out.path)"] + program, in: runDir)
        defer { valgrind.stop(grace: 30) }
        guard waitForPort(ports.proxyHTTP, seconds: 60) else { throw RunnerError("\(id) under valgrind did not listen") }
        let arguments =
            kind == "http"
            ? ["http-seq", "--target", "127.0.0.1:\(ports.proxyHTTP)", "--path", "/", "--count", "\(count)"]
            : ["ws-seq", "--target", "127.0.0.1:\(ports.proxyHTTP)", "--path", "/ws", "--host", "127.0.0.1", "--count", "\(count)", "--size", "128"]
        let result = try Spawn.run("seq", cpu: 1, [load] + arguments + ["--timeout", "300"], in: runDir, timeout: 320)
        guard result.status == 0 else { throw RunnerError("sy-load \(arguments[0]) failed: \(result.errors.prefix(200))") }
        valgrind.stop(grace: 30)
        guard let text = try? String(contentsOf: out, encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("summary:") || $0.hasPrefix("totals:") }),
            let total = Double(line.split(separator: " ").last ?? "")
        else { throw RunnerError("no callgrind totals in \(out.path)") }
        return total
    }
}
