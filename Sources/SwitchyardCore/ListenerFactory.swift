import Glibc
import SwitchyardConfig
import SwitchyardReactor

/// Opens the listening sockets, on the main thread before any loop starts, so a bind error
/// is reported with the directive that asked for it and the process never half-starts.
enum ListenerFactory {
    /// One SO_REUSEPORT socket per worker per address: the kernel spreads connections
    /// across workers and no accept lock is needed.
    static func open(_ spec: ListenerSpec, copies: Int) throws(ConfigError) -> [Int32] {
        try probe(spec)
        var fds: [Int32] = []
        do {
            for _ in 0..<copies {
                let fd = try Sys.socket(family: spec.address.family, type: Int32(SOCK_STREAM.rawValue))
                fds.append(fd)
                try Sys.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
                try Sys.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1)
                if spec.address.family == AF_INET6 { try Sys.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1) }
                try Sys.bind(fd, to: spec.address)
                try Sys.listen(fd, backlog: spec.backlog)
            }
        } catch {
            for fd in fds { Sys.close(fd) }
            throw ConfigError(message: "bind() to \(spec.address) failed (\(error.errno): \(error.reason))", location: spec.location)
        }
        return fds
    }

    /// SO_REUSEPORT would let us share a port with another process that also set it and
    /// silently split its traffic. A bind without SO_REUSEPORT fails if anyone holds the
    /// port, which is the EADDRINUSE an nginx user expects.
    private static func probe(_ spec: ListenerSpec) throws(ConfigError) {
        do {
            let fd = try Sys.socket(family: spec.address.family, type: Int32(SOCK_STREAM.rawValue))
            defer { Sys.close(fd) }
            try Sys.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            if spec.address.family == AF_INET6 { try Sys.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1) }
            try Sys.bind(fd, to: spec.address)
        } catch {
            throw ConfigError(message: "bind() to \(spec.address) failed (\(error.errno): \(error.reason))", location: spec.location)
        }
    }
}
