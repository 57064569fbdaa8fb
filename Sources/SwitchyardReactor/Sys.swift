import CSwitchyardShims
import Glibc

/// Every system call the router makes goes through here, so the meaning of each errno is
/// decided in one place: EINTR is retried, EAGAIN becomes `.wouldBlock`, EBADF and EFAULT
/// are our bugs and stop the process, everything else is a typed `SysError`.
/// Names keep the C name so the man page is one grep away.
public enum Sys {
    @inline(__always)
    static func call<T: BinaryInteger>(_ name: String, _ body: () -> T) throws(SysError) -> IOResult<T> {
        while true {
            let result = body()
            if result >= 0 { return .value(result) }
            let err = errno
            switch err {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK, EINPROGRESS: return .wouldBlock
            case EBADF, EFAULT:
                preconditionFailure("\(name)() failed with errno \(err): a descriptor or pointer bug")
            default: throw SysError(name, errno: err)
            }
        }
    }

    /// For calls that never legitimately block: `.wouldBlock` becomes an error.
    @inline(__always)
    static func callBlocking<T: BinaryInteger>(_ name: String, _ body: () -> T) throws(SysError) -> T {
        switch try call(name, body) {
        case .value(let v): return v
        case .wouldBlock: throw SysError(name, errno: EAGAIN)
        }
    }

    public static func close(_ fd: Int32) {
        // close() must not be retried on EINTR on Linux: the descriptor is already gone.
        _ = Glibc.close(fd)
    }

    public static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws(SysError) -> IOResult<Int> {
        try call("recv") { CSwitchyardShims_recv(fd, buffer.baseAddress, buffer.count, 0) }
    }

    public static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int> {
        try call("send") { CSwitchyardShims_send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Two buffers in one `sendmsg`: a response head and the body bytes behind it leave in
    /// one segment instead of two.
    public static func write(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int> {
        var vectors = (
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count))
        return try withUnsafeMutablePointer(to: &vectors) { pointer throws(SysError) in
            try pointer.withMemoryRebound(to: iovec.self, capacity: 2) { iov throws(SysError) in
                var message = msghdr()
                message.msg_iov = iov
                message.msg_iovlen = 2
                return try call("sendmsg") { CSwitchyardShims_sendmsg(fd, &message, Int32(MSG_NOSIGNAL)) }
            }
        }
    }

    /// Looks at bytes without consuming them: they stay in the kernel for a later splice.
    public static func peek(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws(SysError) -> IOResult<Int> {
        try call("recv") { Glibc.recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_PEEK | MSG_DONTWAIT)) }
    }

    public static func splice(from source: Int32, to destination: Int32, count: Int) throws(SysError) -> IOResult<Int> {
        let flags = CSwitchyardShims_SPLICE_F_MOVE | CSwitchyardShims_SPLICE_F_NONBLOCK
        return try call("splice") { CSwitchyardShims_splice(source, destination, count, flags) }
    }

    public static func pipe2() throws(SysError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        _ = try callBlocking("pipe2") { CSwitchyardShims_pipe2(&fds, O_NONBLOCK | O_CLOEXEC) }
        return (fds[0], fds[1])
    }

    public static func setPipeSize(_ fd: Int32, _ size: Int) throws(SysError) -> Int {
        Int(try callBlocking("fcntl") { CSwitchyardShims_setPipeSize(fd, Int32(size)) })
    }

    public static func socket(family: Int32, type: Int32) throws(SysError) -> Int32 {
        try callBlocking("socket") { Glibc.socket(family, type | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
    }

    public static func accept(_ fd: Int32) throws(SysError) -> IOResult<(Int32, SocketAddress)> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try call("accept4") {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    CSwitchyardShims_accept4(fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
        }
        switch result {
        case .value(let client): return .value((client, SocketAddress(storage: storage)))
        case .wouldBlock: return .wouldBlock
        }
    }

    /// Starts a non-blocking connect: `.wouldBlock` means in progress (EINPROGRESS).
    public static func connect(_ fd: Int32, to address: SocketAddress) throws(SysError) -> IOResult<Void> {
        let result = try call("connect") {
            address.withSockAddr { Glibc.connect(fd, $0, $1) }
        }
        switch result {
        case .value: return .value(())
        case .wouldBlock: return .wouldBlock
        }
    }

    public static func bind(_ fd: Int32, to address: SocketAddress) throws(SysError) {
        _ = try callBlocking("bind") { address.withSockAddr { Glibc.bind(fd, $0, $1) } }
    }

    public static func listen(_ fd: Int32, backlog: Int) throws(SysError) {
        _ = try callBlocking("listen") { Glibc.listen(fd, Int32(clamping: backlog)) }
    }

    public static func shutdownWrite(_ fd: Int32) throws(SysError) {
        _ = try callBlocking("shutdown") { Glibc.shutdown(fd, Int32(SHUT_WR)) }
    }

    public static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SysError) {
        var v = value
        _ = try callBlocking("setsockopt") {
            Glibc.setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// The result of a non-blocking connect, read once the socket is writable.
    public static func pendingError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if Glibc.getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) < 0 { return errno }
        return value
    }

    public static func localAddress(_ fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.getsockname(fd, $0, &length) }
        }
        return ok == 0 ? SocketAddress(storage: storage) : nil
    }

    public static func epollCreate() throws(SysError) -> Int32 {
        try callBlocking("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
    }

    public static func epollControl(_ epfd: Int32, _ op: Int32, _ fd: Int32, events: UInt32, data: UInt64) throws(SysError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = data
        _ = try callBlocking("epoll_ctl") { epoll_ctl(epfd, op, fd, &event) }
    }

    public static func epollWait(_ epfd: Int32, _ events: UnsafeMutableBufferPointer<epoll_event>, timeoutMs: Int32) throws(SysError) -> Int {
        switch try call("epoll_wait", { CSwitchyardShims_epoll_wait(epfd, events.baseAddress, Int32(events.count), timeoutMs) }) {
        case .value(let n): return Int(n)
        case .wouldBlock: return 0
        }
    }

    public static func eventfd() throws(SysError) -> Int32 {
        try callBlocking("eventfd") { CSwitchyardShims.eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
    }

    /// Opens a file beneath a directory, refusing any path that would resolve outside it
    /// (`..`, absolute paths, symlinks pointing out): EXDEV then.
    public static func openBeneath(_ directory: Int32, _ path: String, flags: Int32 = O_RDONLY) throws(SysError) -> Int32 {
        try callBlocking("openat2") { CSwitchyardShims_openBeneath(directory, path, flags) }
    }

    /// Opens a directory to serve files beneath (a `root` or `alias`).
    public static func openDirectory(_ path: String) throws(SysError) -> Int32 {
        try callBlocking("open") { Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    }

    /// Sends file bytes to a socket without copying them through user space.
    public static func sendfile(to socket: Int32, from file: Int32, offset: inout Int64, count: Int) throws(SysError) -> IOResult<Int> {
        try call("sendfile") { CSwitchyardShims_sendfile(socket, file, &offset, count) }
    }

    public static func fileStatus(_ fd: Int32) throws(SysError) -> stat {
        var info = stat()
        _ = try callBlocking("fstat") { Glibc.fstat(fd, &info) }
        return info
    }
}
