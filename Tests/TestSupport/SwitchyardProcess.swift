import CTestSupport
import Foundation
import Glibc
import Synchronization

/// How a child process ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    /// Decodes a waitpid status (WIFEXITED / WEXITSTATUS / WTERMSIG are C macros).
    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// The figures of the router's last log line, `exiting: sessions=N spliced=B copied=C`.
public struct ExitSummary: Sendable, Equatable, CustomStringConvertible {
    public let sessions: Int
    public let spliced: Int
    public let copied: Int

    /// Parses the last `exiting:` line of `log`, or nil.
    public init?(log: String) {
        guard let line = log.split(separator: "\n").last(where: { $0.contains("exiting: sessions=") }) else { return nil }
        func field(_ name: String) -> Int? {
            guard let range = line.range(of: "\(name)=") else { return nil }
            return Int(line[range.upperBound...].prefix(while: \.isNumber))
        }
        guard let sessions = field("sessions"), let spliced = field("spliced"), let copied = field("copied") else { return nil }
        self.sessions = sessions
        self.spliced = spliced
        self.copied = copied
    }

    public var description: String { "sessions=\(sessions) spliced=\(spliced) copied=\(copied)" }
}

/// What a finished run of the binary printed, and how it ended.
public struct CommandResult: Sendable, CustomStringConvertible {
    public let status: ExitStatus
    public let stdout: String
    public let stderr: String

    public var description: String { "\(status); stderr: \(stderr.debugDescription); stdout: \(stdout.debugDescription)" }
}

/// The switchyard binary running in the foreground from a config in a fresh temp directory,
/// its stdout and stderr in `switchyard.log` there. Stop it with `stop()` in a `defer`: that
/// waits for it with a bound and kills it if it does not exit.
public final class SwitchyardProcess: Sendable {
    public let directory: TempDirectory
    public let configPath: String
    public let logPath: String
    /// The spawned process: the router, or the launcher (strace) that runs it.
    public let pid: pid_t
    private let reaped = Mutex<ExitStatus?>(nil)

    /// Writes `config(directory)` to `switchyard.conf`, starts `launcher(directory) +
    /// [binary, "-c", file]`, and waits until every port in `ports` listens on 127.0.0.1
    /// (read from /proc/net/tcp, so no probe connection becomes a session). Throws with the
    /// log if the process exits first or the ports do not listen within `timeout`.
    public init(config: (TempDirectory) -> String, waitForPorts ports: [UInt16],
                launcher: (TempDirectory) -> [String] = { _ in [] }, timeout: Double = 10) throws {
        let directory = try TempDirectory()
        let binary: String
        do {
            binary = try SwitchyardProcess.binaryPath()
            configPath = try directory.write("switchyard.conf", config(directory))
        } catch {
            directory.remove()
            throw error
        }
        logPath = directory.file("switchyard.log")
        self.directory = directory
        do {
            pid = try SwitchyardProcess.spawn(launcher(directory) + [binary, "-c", configPath], stdout: logPath, stderr: logPath)
        } catch {
            directory.remove()
            throw error
        }
        let listening = waitUntil(timeout: timeout, interval: 0.02) {
            exitStatus != nil || ports.allSatisfy { Listeners.isListening(port: $0) }
        }
        if let status = exitStatus {
            throw HarnessError("switchyard exited at start (\(status)); log:\n\(log)")
        }
        guard listening else {
            _ = stop(signal: SIGKILL)
            throw HarnessError("switchyard did not listen on \(ports) within \(timeout) s; log:\n\(log)")
        }
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            _ = waitForExit(timeout: 5)
        }
        directory.remove()
    }

    /// Everything the process has written to stdout and stderr so far.
    public var log: String { TempDirectory.read(path: logPath) ?? "" }

    /// The last `count` lines of the log, for failure messages.
    public func logTail(_ count: Int = 40) -> String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(count).joined(separator: "\n")
    }

    /// The counters of the exit line, once the process has logged it.
    public var exitSummary: ExitSummary? { ExitSummary(log: log) }

    /// The exit status if the process has exited (reaps it), else nil.
    public var exitStatus: ExitStatus? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { reaped = ExitStatus(waitStatus: status) }
            return reaped
        }
    }

    public func signal(_ signal: Int32) {
        if exitStatus == nil { kill(pid, signal) }
    }

    public func waitForExit(timeout: Double) -> ExitStatus? {
        var status: ExitStatus?
        waitUntil(timeout: timeout, interval: 0.005) {
            status = exitStatus
            return status != nil
        }
        return status
    }

    /// Sends `signal`, waits up to `timeout` seconds, then SIGKILLs. Returns how the process
    /// ended; a SIGKILL by the harness shows as `.signaled(SIGKILL)`.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 10) -> ExitStatus {
        if let status = exitStatus { return status }
        kill(pid, signal)
        if let status = waitForExit(timeout: timeout) { return status }
        kill(pid, SIGKILL)
        return waitForExit(timeout: 10) ?? .signaled(SIGKILL)
    }

    // MARK: Running the binary

    /// `SWITCHYARD_BIN` if set, else `switchyard` next to the test bundle (both live in
    /// `.build/<triple>/debug/`).
    public static func binaryPath() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SWITCHYARD_BIN"], !path.isEmpty {
            guard access(path, X_OK) == 0 else { throw HarnessError("SWITCHYARD_BIN=\(path) is not an executable file") }
            return path
        }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw HarnessError.system("readlink(/proc/self/exe)") }
        let exe = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let candidate = "\(directory)/switchyard"
        guard access(candidate, X_OK) == 0 else {
            throw HarnessError("switchyard binary not found at \(candidate) (next to \(exe)); build it "
                + "(`swift build --product switchyard`) or set SWITCHYARD_BIN")
        }
        return candidate
    }

    /// Runs the binary with `arguments` to completion (SIGKILL after `timeout` seconds) and
    /// returns its exit status, stdout and stderr.
    public static func run(_ arguments: [String], timeout: Double = 10) throws -> CommandResult {
        let directory = try TempDirectory(prefix: "switchyard-run")
        defer { directory.remove() }
        let out = directory.file("stdout"), err = directory.file("stderr")
        let pid = try spawn([try binaryPath()] + arguments, stdout: out, stderr: err)
        let status = reap(pid, timeout: timeout)
        return CommandResult(status: status, stdout: TempDirectory.read(path: out) ?? "", stderr: TempDirectory.read(path: err) ?? "")
    }

    /// Waits for `pid` up to `timeout` seconds, then SIGKILLs and reaps it.
    static func reap(_ pid: pid_t, timeout: Double) -> ExitStatus {
        var status: Int32 = 0
        let done = waitUntil(timeout: timeout, interval: 0.005) { waitpid(pid, &status, WNOHANG) == pid }
        if !done {
            kill(pid, SIGKILL)
            waitUntil(timeout: 10, interval: 0.005) { waitpid(pid, &status, WNOHANG) == pid }
        }
        return ExitStatus(waitStatus: status)
    }

    /// posix_spawn of `argv[0]` with `argv`, stdout and stderr to files, no other
    /// descriptors inherited, default signal mask and dispositions.
    static func spawn(_ argv: [String], stdout: String, stderr: String) throws -> pid_t {
        var cArgs = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { for arg in cArgs { free(arg) } }
        var pid: pid_t = 0
        let rc = cArgs.withUnsafeBufferPointer { args in
            CTestSupport_spawn(&pid, argv[0], args.baseAddress, stdout, stderr)
        }
        guard rc == 0 else { throw HarnessError.system("posix_spawn(\(argv[0]))", errno: rc) }
        return pid
    }
}

/// Reads the kernel's table of TCP sockets.
public enum Listeners {
    /// Whether something listens on 127.0.0.1:`port` or 0.0.0.0:`port` (state 0A in
    /// /proc/net/tcp).
    public static func isListening(port: UInt16) -> Bool {
        guard let table = TempDirectory.read(path: "/proc/net/tcp") else { return false }
        let hexPort = String(format: "%04X", port)
        let local = ["0100007F:\(hexPort)", "00000000:\(hexPort)"]
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 3 else { continue }
            if fields[3] == "0A" && local.contains(String(fields[1])) { return true }
        }
        return false
    }
}

/// Reads a pid file as the router writes it (`1234\n`).
public func readPidFile(_ path: String) -> pid_t? {
    TempDirectory.read(path: path).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
}
