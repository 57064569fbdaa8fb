import CSwitchyardShims
import Glibc

/// Severity, as nginx orders it.
public enum Severity: Int, Sendable, Comparable {
    case debug, info, notice, warn, error, crit, alert, emerg

    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }

    /// nginx's level names, in severity order.
    static let names = ["debug", "info", "notice", "warn", "error", "crit", "alert", "emerg"]

    var name: String { Self.names[rawValue] }
}

/// The error log: nginx's line format (`2026/11/23 12:00:00 [error] 1234#1240: message`),
/// each line one write(2) so lines from several loop threads never interleave.
public struct ErrorLog: Sendable {
    public let fd: Int32
    public let level: Severity

    public init(fd: Int32 = 2, level: Severity = .error) {
        self.fd = fd
        self.level = level
    }

    /// Opens (creating, appending) a log file; `stderr` means file descriptor 2.
    public static func open(path: String, level: Severity) throws(SysError) -> ErrorLog {
        if path == "stderr" { return ErrorLog(fd: 2, level: level) }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw SysError("open", errno: errno) }
        return ErrorLog(fd: fd, level: level)
    }

    @inline(__always)
    public func enabled(_ severity: Severity) -> Bool { severity >= level }

    public func write(_ severity: Severity, _ message: @autoclosure () -> String) {
        guard severity >= level else { return }
        var line = Self.timestamp()
        line += " [\(severity.name)] \(getpid())#\(CSwitchyardShims_gettid()): "
        line += message()
        line += "\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }

    public func debug(_ message: @autoclosure () -> String) { write(.debug, message()) }
    public func info(_ message: @autoclosure () -> String) { write(.info, message()) }
    public func notice(_ message: @autoclosure () -> String) { write(.notice, message()) }
    public func warn(_ message: @autoclosure () -> String) { write(.warn, message()) }
    public func error(_ message: @autoclosure () -> String) { write(.error, message()) }
    public func crit(_ message: @autoclosure () -> String) { write(.crit, message()) }
    public func alert(_ message: @autoclosure () -> String) { write(.alert, message()) }
    public func emerg(_ message: @autoclosure () -> String) { write(.emerg, message()) }

    /// Local time as `YYYY/MM/DD HH:MM:SS`, nginx's log time.
    static func timestamp() -> String {
        var seconds = time(nil)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)/\(two(parts.tm_mon + 1))/\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
