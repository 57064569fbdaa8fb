import Glibc
import Synchronization

/// Set by SIGTERM or SIGINT in the commands that clean up before exiting (ws-idle); the
/// others keep the default action, which ends the process at once.
let stopRequested = Atomic<Bool>(false)

enum ProcessSetup {
    /// What every command needs before it opens a socket.
    static func prepare() {
        raiseFileLimit()
        // Every send passes MSG_NOSIGNAL already; this covers a write(2) we did not think of.
        signal(SIGPIPE, SIG_IGN)
    }

    /// The soft descriptor limit up to the hard one: 8,000 idle WebSockets need 8,000 fds.
    static func raiseFileLimit() {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        if setrlimit(resource, &limit) != 0 {
            Output.error("sy-load: setrlimit(RLIMIT_NOFILE) failed (\(errno))")
        }
    }

    /// Turns SIGTERM and SIGINT into `stopRequested`, for a loop that polls it.
    static func catchStopSignals() {
        let handler: @convention(c) (Int32) -> Void = { _ in stopRequested.store(true, ordering: .relaxed) }
        signal(SIGTERM, handler)
        signal(SIGINT, handler)
    }
}

/// Unbuffered output: each line is one write(2), so the runner reading a pipe sees `ready` or
/// the JSON object at once and never half of it.
enum Output {
    static func line(_ text: String) {
        write(fd: 1, text + "\n")
    }

    static func error(_ text: String) {
        write(fd: 2, text + "\n")
    }

    private static func write(fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }
}
