import Glibc

/// What the kernel says about a running process, for checks that it is not spinning.
public enum ProcessStats {
    /// utime + stime of a process, in clock ticks (`sysconf(_SC_CLK_TCK)` per second).
    public static func cpuTicks(_ pid: pid_t) -> Int {
        guard let stat = TempDirectory.read(path: "/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime field 14, stime field 15.
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return 0 }
        return user + system
    }

    /// CPU ticks the process used while `body` ran.
    public static func ticksUsed(by pid: pid_t, during body: () -> Void) -> Int {
        let before = cpuTicks(pid)
        body()
        return cpuTicks(pid) - before
    }

    public static var ticksPerSecond: Int { Int(sysconf(Int32(_SC_CLK_TCK))) }
}
