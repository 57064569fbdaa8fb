import Foundation

/// What the kernel says a process and the machine are using: CPU time from /proc/PID/stat,
/// resident memory from /proc/PID/status, socket memory from /proc/net/sockstat.
enum ProcStats {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// User plus system CPU seconds of `pid`, all threads. Fields 14 and 15 of
    /// /proc/PID/stat, counted after the `)` that ends the command name (which may hold spaces).
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After ")": state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / ticksPerSecond
    }

    static func cpuSeconds(_ pids: [Int32]) -> Double { pids.reduce(0) { $0 + cpuSeconds($1) } }

    /// Resident set size in bytes (VmRSS).
    static func rssBytes(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kib = Double(parts[1]) { return kib * 1024 }
        }
        return 0
    }

    static func rssBytes(_ pids: [Int32]) -> Double { pids.reduce(0) { $0 + rssBytes($1) } }

    /// The kernel's TCP socket buffer memory in bytes (`TCP: ... mem PAGES`).
    static func tcpSocketMemoryBytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/net/sockstat", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("TCP:") {
            let parts = line.split(separator: " ")
            if let index = parts.firstIndex(of: "mem"), index + 1 < parts.count, let pages = Double(parts[index + 1]) {
                return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
            }
        }
        return 0
    }

    /// Memory in use by everything, kernel included: MemTotal - MemAvailable, in bytes.
    static func systemUsedBytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return 0 }
        var total = 0.0
        var available = 0.0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kib = Double(parts[1]) else { continue }
            if parts[0] == "MemTotal:" { total = kib }
            if parts[0] == "MemAvailable:" { available = kib }
        }
        return (total - available) * 1024
    }
}
