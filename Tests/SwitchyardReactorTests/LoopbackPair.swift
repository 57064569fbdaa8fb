import Glibc
@testable import SwitchyardReactor

/// Two connected TCP sockets on 127.0.0.1, both non-blocking: `inner` goes into the code
/// under test, `outer` is the test's end.
struct LoopbackPair {
    let outer: Int32
    var inner: Int32

    static func make() throws -> LoopbackPair {
        let listener = try Sys.socket(family: AF_INET, type: Int32(SOCK_STREAM.rawValue))
        defer { Sys.close(listener) }
        try Sys.bind(listener, to: SocketAddress(ip: "127.0.0.1", port: 0)!)
        try Sys.listen(listener, backlog: 4)
        let address = Sys.localAddress(listener)!
        let outer = try Sys.socket(family: AF_INET, type: Int32(SOCK_STREAM.rawValue))
        _ = try Sys.connect(outer, to: address)
        for _ in 0..<200 {
            if case .value(let (fd, _)) = try Sys.accept(listener) { return LoopbackPair(outer: outer, inner: fd) }
            usleep(5000)
        }
        throw SysError("accept", errno: ETIMEDOUT)
    }
}

/// Sends and receives on a test's end without blocking, so one thread can drive both the
/// loop and the peers.
enum Peer {
    static func send(_ fd: Int32, _ bytes: [UInt8], from offset: Int) -> Int {
        guard offset < bytes.count else { return 0 }
        let n = bytes.withUnsafeBytes { raw in
            Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
        }
        return max(n, 0)
    }

    /// Appends what is available; returns false once the peer has sent EOF.
    static func receive(_ fd: Int32, into bytes: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { bytes += chunk[0..<n]; continue }
            if n == 0 { return false }
            return true
        }
    }
}
