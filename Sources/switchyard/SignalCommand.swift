import Glibc
import SwitchyardConfig

/// `-s stop|quit|reopen|reload`: signal the running router named by the `pid` file.
enum SignalCommand {
    static func send(_ name: String, configuration: Configuration) -> Int32 {
        guard let path = configuration.pidPath else {
            Console.error("no \"pid\" directive in \(configuration.file), cannot send \"\(name)\"")
            return 1
        }
        let pid: pid_t?
        do { pid = try PidFile.read(path) } catch {
            Console.error("\(error.description.replacingOpen(path))")
            return 1
        }
        guard let pid else {
            Console.error("invalid PID number in \"\(path)\"")
            return 1
        }
        let number: Int32 = switch name {
        case "stop": SIGTERM
        case "quit": SIGQUIT
        case "reopen": SIGUSR1
        default: SIGHUP
        }
        if kill(pid, number) != 0 {
            Console.error("kill(\(pid), \(number)) failed (\(errno): \(String(cString: strerror(errno))))")
            return 1
        }
        return 0
    }
}

extension String {
    /// `open() failed (2: ...)` → `open() "path" failed (2: ...)`, nginx's wording.
    func replacingOpen(_ path: String) -> String {
        guard hasPrefix("open() ") else { return self }
        return "open() \"\(path)\" " + dropFirst("open() ".count)
    }
}
