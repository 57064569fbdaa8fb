import Foundation
import Synchronization

/// Every process the runner started and has not yet stopped, so an interrupt or a failure
/// stops them all by PID instead of leaving a proxy holding a port for the next run.
let livePIDs = Mutex<Set<Int32>>([])

/// A program the runner started: its stdout goes to a file (read when needed, so a chatty
/// program can never block on a full pipe), its stdin is a pipe the runner may close to tell
/// it to finish.
final class Spawned: @unchecked Sendable {
    let name: String
    let process: Process
    let stdoutFile: URL
    let stdin: Pipe
    var pid: Int32 { process.processIdentifier }

    init(name: String, process: Process, stdoutFile: URL, stdin: Pipe) {
        self.name = name
        self.process = process
        self.stdoutFile = stdoutFile
        self.stdin = stdin
    }

    var output: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }

    /// Waits for a line of output that contains `text`; false when the deadline passes or the
    /// program exits first.
    func waitForOutput(containing text: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Waits for exit up to `seconds`; true if it exited.
    @discardableResult
    func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if !process.isRunning { livePIDs.withLock { _ = $0.remove(pid) } }
        return !process.isRunning
    }

    /// SIGTERM, then SIGKILL if it has not gone after `grace` seconds.
    func stop(grace: Double = 5) {
        guard process.isRunning else { livePIDs.withLock { _ = $0.remove(pid) }; return }
        kill(pid, SIGTERM)
        if !waitForExit(seconds: grace) {
            kill(pid, SIGKILL)
            waitForExit(seconds: 5)
        }
    }
}

enum Spawn {
    /// Starts `argv` pinned to `cpu` (through taskset, which execs it: the PID is the
    /// program's own).
    static func start(_ name: String, cpu: Int?, _ argv: [String], in dir: URL) throws -> Spawned {
        let process = Process()
        let command = (cpu.map { ["-c", String($0)] } ?? []) + argv
        process.executableURL = URL(fileURLWithPath: cpu == nil ? argv[0] : "/usr/bin/taskset")
        process.arguments = cpu == nil ? Array(argv.dropFirst()) : command
        let slug = name.replacingOccurrences(of: " ", with: "-")
        let out = dir.appendingPathComponent("\(slug).out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        let err = dir.appendingPathComponent("\(slug).err")
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: err)
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        livePIDs.withLock { _ = $0.insert(process.processIdentifier) }
        return Spawned(name: name, process: process, stdoutFile: out, stdin: stdin)
    }

    /// Runs a command to its end (at most `timeout` seconds, then killed) and returns its
    /// exit status and stdout.
    static func run(_ name: String, cpu: Int?, _ argv: [String], in dir: URL, timeout: Double) throws
        -> (status: Int32, output: String, errors: String)
    {
        let child = try start(name, cpu: cpu, argv, in: dir)
        try? child.stdin.fileHandleForWriting.close()
        if !child.waitForExit(seconds: timeout) {
            child.stop(grace: 2)
            return (-1, child.output, "timed out after \(Int(timeout)) s")
        }
        let errors = (try? String(contentsOf: dir.appendingPathComponent("\(name.replacingOccurrences(of: " ", with: "-")).err"), encoding: .utf8)) ?? ""
        return (child.process.terminationStatus, child.output, errors)
    }

    /// Stops whatever is still running: the interrupt handler's and the failure path's last step.
    static func stopAll() {
        let pids = livePIDs.withLock { set in defer { set.removeAll() }; return set }
        for pid in pids { kill(pid, SIGTERM) }
        usleep(300_000)
        for pid in pids { kill(pid, SIGKILL) }
    }
}

/// Waits until something accepts TCP connections on 127.0.0.1:`port`.
func waitForPort(_ port: Int, seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        close(fd)
        if connected { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}

/// True when nothing listens on 127.0.0.1:`port` (a bind probe; SO_REUSEADDR so that
/// connections of an earlier run in TIME_WAIT do not count).
func portIsFree(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}
