import Foundation

/// What the figures were measured on: they mean little without it.
struct Machine: Codable, Sendable {
    var cpu: String
    var cores: Int
    var memoryGiB: Double
    var kernel: String
    var versions: [String: String]
    var sysctls: [String: String]

    static func describe(switchyard: String) -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let totalKiB = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { Double($0.split(separator: " ", omittingEmptySubsequences: true)[1]) } ?? 0
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var versions: [String: String] = [:]
        versions["nginx"] = firstLine(["/usr/sbin/nginx", "-v"])
        versions["haproxy"] = firstLine(["/usr/sbin/haproxy", "-v"])
        versions["sslh"] = firstLine(["/usr/sbin/sslh-select", "-V"])
        versions["wrk"] = firstLine(["/usr/bin/wrk", "-v"])
        versions["valgrind"] = firstLine(["/usr/bin/valgrind", "--version"])
        versions["switchyard"] = firstLine(["/usr/bin/git", "-C", URL(fileURLWithPath: switchyard).deletingLastPathComponent().path,
                                            "describe", "--always", "--dirty"])
        var sysctls: [String: String] = [:]
        for name in ["net/ipv4/tcp_tw_reuse", "net/ipv4/ip_local_port_range", "net/core/somaxconn"] {
            sysctls[name.replacingOccurrences(of: "/", with: ".")] = ((try? String(contentsOfFile: "/proc/sys/\(name)", encoding: .utf8)) ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return Machine(
            cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount, memoryGiB: (totalKiB / 1_048_576 * 10).rounded() / 10,
            kernel: kernel, versions: versions, sysctls: sysctls)
    }

    var line: String {
        let tools = versions.keys.sorted().map { "\($0) \(versions[$0]!)" }.joined(separator: "; ")
        return "\(cores) × \(cpu), \(memoryGiB) GiB, Linux \(kernel). \(tools)."
    }

    /// A command's first line of output (stdout or stderr: nginx prints its version on stderr).
    private static func firstLine(_ argv: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard (try? process.run()) != nil else { return "not found" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
    }
}

/// Loopback settings the scenarios need (thousands of short connections reuse ports in
/// TIME_WAIT), set for the run and put back afterwards.
struct SysctlGuard {
    private var saved: [(String, String)] = []

    mutating func set(_ name: String, _ value: String) {
        let path = "/proc/sys/\(name.replacingOccurrences(of: ".", with: "/"))"
        guard let old = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        if (try? value.write(toFile: path, atomically: false, encoding: .utf8)) != nil {
            saved.append((path, old.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }

    func restore() {
        for (path, value) in saved.reversed() { try? value.write(toFile: path, atomically: false, encoding: .utf8) }
    }
}
