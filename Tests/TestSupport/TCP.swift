import CTestSupport
import Glibc

/// Blocking TCP helpers on 127.0.0.1. Every socket they make has SO_RCVTIMEO and SO_SNDTIMEO
/// of `TCP.ioSlice`, so no call blocks longer than that; the loops around the calls run
/// against a `Deadline` and give up with a `HarnessError` when it passes.
public enum TCP {
    /// The longest a single send/recv may block before its loop re-checks the deadline.
    public static let ioSlice = 0.25

    // MARK: Addresses and ports

    public static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// A port that was free a moment ago: bind 127.0.0.1:0, read it, close. Nothing listens
    /// on it afterwards, so it also serves as a closed port (connect gets ECONNREFUSED).
    public static func freePort() throws -> UInt16 {
        let fd = try makeSocket()
        defer { Glibc.close(fd) }
        try bind(fd, port: 0)
        return try localPort(fd)
    }

    public static func localPort(_ fd: Int32) throws -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { throw HarnessError.system("getsockname") }
        return UInt16(bigEndian: address.sin_port)
    }

    // MARK: Sockets

    /// A blocking, close-on-exec TCP socket with the I/O timeouts set.
    public static func makeSocket() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError.system("socket") }
        setIOTimeouts(fd, seconds: ioSlice)
        return fd
    }

    public static func setIOTimeouts(_ fd: Int32, seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        let size = socklen_t(MemoryLayout<timeval>.size)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, size)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, size)
    }

    public static func setNonBlocking(_ fd: Int32, _ on: Bool = true) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK)
    }

    static func bind(_ fd: Int32, port: UInt16) throws {
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else { throw HarnessError.system("bind(127.0.0.1:\(port))") }
    }

    /// A listening socket on 127.0.0.1 (`port` 0 picks one); returns the fd and its port.
    public static func listen(port: UInt16 = 0, backlog: Int32 = 1024) throws -> (fd: Int32, port: UInt16) {
        let fd = try makeSocket()
        do {
            try bind(fd, port: port)
            guard Glibc.listen(fd, backlog) == 0 else { throw HarnessError.system("listen") }
            return (fd, try localPort(fd))
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// accept4 with close-on-exec; the new socket gets the I/O timeouts when blocking.
    public static func accept(_ listener: Int32, nonBlocking: Bool) -> Int32 {
        let fd = CTestSupport_accept(listener, nonBlocking ? 1 : 0)
        if fd >= 0 && !nonBlocking { setIOTimeouts(fd, seconds: ioSlice) }
        return fd
    }

    public enum ConnectOutcome: Sendable, Equatable {
        case connected(Int32)
        case refused
        case timedOut
        case failed(Int32)
    }

    /// Starts a non-blocking connect and waits for it up to `timeout` seconds. A connected
    /// socket is returned blocking, with the I/O timeouts set.
    public static func tryConnect(port: UInt16, timeout: Double) -> ConnectOutcome {
        guard let fd = try? makeSocket() else { return .failed(errno) }
        setNonBlocking(fd)
        var address = loopback(port: port)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var error: Int32 = rc == 0 ? 0 : errno
        if rc != 0 && error == EINPROGRESS {
            let deadline = Deadline(seconds: timeout)
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            var ready: Int32 = 0
            repeat {
                ready = poll(&pfd, 1, deadline.pollMilliseconds())
            } while (ready == 0 || (ready < 0 && errno == EINTR)) && !deadline.hasPassed
            guard ready > 0 else {
                Glibc.close(fd)
                return .timedOut
            }
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        }
        guard error == 0 else {
            Glibc.close(fd)
            return error == ECONNREFUSED ? .refused : .failed(error)
        }
        setNonBlocking(fd, false)
        return .connected(fd)
    }

    /// Connects to 127.0.0.1:`port` or throws saying why not.
    public static func connect(port: UInt16, timeout: Double = 5) throws -> Int32 {
        switch tryConnect(port: port, timeout: timeout) {
        case .connected(let fd): return fd
        case .refused: throw HarnessError("connect(127.0.0.1:\(port)): refused", code: ECONNREFUSED)
        case .timedOut: throw HarnessError("connect(127.0.0.1:\(port)): no answer in \(timeout) s", code: ETIMEDOUT)
        case .failed(let code): throw HarnessError.system("connect(127.0.0.1:\(port))", errno: code)
        }
    }

    public static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Closes with an RST instead of a FIN (SO_LINGER 0).
    public static func reset(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        _ = Glibc.close(fd)
    }

    // MARK: Sending and receiving

    /// Sends every byte or throws (timeout at `deadline`, reset, broken pipe).
    public static func sendAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, deadline: Deadline) throws {
        var offset = 0
        while offset < buffer.count {
            if deadline.hasPassed {
                throw HarnessError("send: \(offset) of \(buffer.count) bytes sent before the deadline", code: ETIMEDOUT)
            }
            let n = send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            if n > 0 {
                offset += n
                continue
            }
            let code = errno
            if n < 0 && (code == EAGAIN || code == EINTR) { continue }
            throw HarnessError.system("send (\(offset) of \(buffer.count) bytes sent)", errno: code)
        }
    }

    public static func sendAll(_ fd: Int32, _ bytes: [UInt8], deadline: Deadline) throws {
        try bytes.withUnsafeBytes { try sendAll(fd, $0, deadline: deadline) }
    }

    public static func sendAll(_ fd: Int32, _ text: String, deadline: Deadline) throws {
        try sendAll(fd, Array(text.utf8), deadline: deadline)
    }

    /// One recv into `buffer`: the byte count, 0 at EOF; throws on error or at the deadline.
    public static func receiveSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws -> Int {
        while true {
            if deadline.hasPassed { throw HarnessError("recv: deadline passed", code: ETIMEDOUT) }
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            let code = errno
            if code == EAGAIN || code == EINTR { continue }
            throw HarnessError.system("recv", errno: code)
        }
    }

    /// Exactly `count` bytes; throws on EOF before that, an error, or the deadline.
    public static func receiveExactly(_ fd: Int32, count: Int, deadline: Deadline) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        try bytes.withUnsafeMutableBytes { raw in
            while filled < count {
                let slice = UnsafeMutableRawBufferPointer(rebasing: raw[filled...])
                let n = try receiveSome(fd, into: slice, deadline: deadline)
                if n == 0 { throw HarnessError("recv: EOF after \(filled) of \(count) bytes") }
                filled += n
            }
        }
        return bytes
    }

    /// Everything up to EOF (at most `limit` bytes); throws on an error or the deadline.
    public static func receiveUntilEOF(_ fd: Int32, deadline: Deadline, limit: Int = 16 << 20) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try receiveSome(fd, into: $0, deadline: deadline) }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
            if bytes.count > limit { throw HarnessError("recv: more than \(limit) bytes before EOF") }
        }
    }

    /// How a connection ended for the reader.
    public enum End: Sendable, Equatable, CustomStringConvertible {
        case eof
        case reset
        case timedOut
        case error(Int32)

        public var description: String {
            switch self {
            case .eof: "EOF"
            case .reset: "reset"
            case .timedOut: "still open at the deadline"
            case .error(let code): "error \(code)"
            }
        }
    }

    /// Reads until the connection ends or `deadline` passes; returns how it ended and how
    /// many bytes arrived before that.
    public static func waitForEnd(_ fd: Int32, deadline: Deadline) -> (end: End, bytes: Int) {
        var received = 0
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                received += n
                if deadline.hasPassed { return (.timedOut, received) }
                continue
            }
            if n == 0 { return (.eof, received) }
            let code = errno
            if code == EAGAIN || code == EINTR {
                if deadline.hasPassed { return (.timedOut, received) }
                continue
            }
            return (code == ECONNRESET ? .reset : .error(code), received)
        }
    }

    // MARK: Process limits

    /// Raises this process's soft RLIMIT_NOFILE to the hard limit (20,000 here): 500
    /// concurrent proxied connections cost the test process 1,000 descriptors.
    public static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
