/// A running process's memory as the kernel counts it, for checks that the router streams
/// with bounded buffers.
public enum ProcessMemory {
    /// The resident set size of `pid` in bytes (`VmRSS` in /proc/PID/status), or nil if the
    /// process is gone.
    public static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = TempDirectory.read(path: "/proc/\(pid)/status"),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        let kib = line.dropFirst("VmRSS:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        return kib.map { $0 * 1024 }
    }
}
