import Glibc
import SwitchyardReactor

enum ResourceLimits {
    /// Raises the open-file soft limit: to `worker_rlimit_nofile` when set, else to the hard
    /// limit. A proxied connection takes two descriptors.
    static func raiseOpenFiles(to wanted: Int?, log: ErrorLog) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let target = wanted.map { rlim_t($0) } ?? limit.rlim_max
        if target == limit.rlim_cur { return }
        var raised = limit
        raised.rlim_cur = target
        if wanted != nil { raised.rlim_max = max(limit.rlim_max, target) }
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) != 0 {
            log.alert("setrlimit(RLIMIT_NOFILE, \(target)) failed (\(errno): \(String(cString: strerror(errno)))), ignored")
        }
    }
}
