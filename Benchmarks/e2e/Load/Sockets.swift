import Glibc
import SwitchyardReactor

/// Socket set-up shared by backends and clients. The data path goes through `Sys`.
enum Sockets {
    /// Far above somaxconn: the kernel clamps it, and the listen queue is then as deep as
    /// the system allows (4096 here), so a burst of connects is never refused by us.
    static let backlog = 65_535

    /// A nonblocking listener on 127.0.0.1:`port` with SO_REUSEADDR (a restart does not wait
    /// out TIME_WAIT) and TCP_NODELAY.
    static func listen(port: Int) throws(SysError) -> Int32 {
        let address = SocketAddress(ip: "127.0.0.1", port: port)!
        let fd = try Sys.socket(family: AF_INET, type: Int32(SOCK_STREAM.rawValue))
        do {
            try Sys.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            try Sys.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            try Sys.bind(fd, to: address)
            try Sys.listen(fd, backlog: backlog)
        } catch {
            Sys.close(fd)
            throw error
        }
        return fd
    }

    /// Small request/response traffic (an HTTP answer, a WebSocket echo) must not wait for
    /// Nagle's algorithm. Failing is harmless, so the error is dropped.
    @inline(__always)
    static func setNoDelay(_ fd: Int32) {
        try? Sys.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }

    static let loopback = SocketAddress(ip: "127.0.0.1", port: 0)!

    /// From <netinet/in.h>; Glibc's Swift module does not export it.
    private static let ipBindAddressNoPort: Int32 = 24

    /// Starts a nonblocking connect on a client socket bound to 127.0.0.1 with SO_REUSEADDR,
    /// so a run of thousands of short connections is not stopped by ports an earlier run
    /// left in TIME_WAIT. Returns true when the connect completed at once.
    ///
    /// IP_BIND_ADDRESS_NO_PORT leaves the port to connect(), which picks it by the whole
    /// 4-tuple (and reuses TIME_WAIT ports under tcp_tw_reuse). A plain bind to port 0
    /// searches the ephemeral range for a port no socket holds: with ~15,000 sockets in
    /// TIME_WAIT that took 1-3 ms per bind here, capping ws-handshake at ~600/s.
    static func startConnect(_ fd: Int32, to target: SocketAddress) throws(SysError) -> Bool {
        try Sys.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        setNoDelay(fd)
        if target.family == AF_INET {
            try? Sys.setOption(fd, Int32(IPPROTO_IP), ipBindAddressNoPort, 1)
            try Sys.bind(fd, to: loopback)
        }
        switch try Sys.connect(fd, to: target) {
        case .value: return true
        case .wouldBlock: return false
        }
    }

    /// A nonblocking client socket with its connect under way; the caller owns the fd.
    static func connecting(to target: SocketAddress) throws(SysError) -> (fd: Int32, connected: Bool) {
        let fd = try Sys.socket(family: target.family, type: Int32(SOCK_STREAM.rawValue))
        do {
            return (fd, try startConnect(fd, to: target))
        } catch {
            Sys.close(fd)
            throw error
        }
    }

    /// Sends all of `bytes` on a socket that has room for them (a request of a few hundred
    /// bytes on a fresh connection); false when the kernel took only part, which for these
    /// sizes means the peer is gone or broken.
    static func sendSmall(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard case .value(let n)? = try? Sys.write(fd, bytes) else { return false }
        return n == bytes.count
    }
}
