import Glibc
import SwitchyardReactor

/// A blocking client socket, for the commands that use a single connection (tcp-bulk, the
/// checks): plain send/recv loops are the fastest way to move bytes on one socket, and
/// SO_RCVTIMEO/SO_SNDTIMEO of a quarter second let the loop check its deadline while blocked.
final class BlockingSocket {
    let fd: Int32

    enum Failure: Error {
        case system(String)
        case timedOut
        case closed
    }

    init(connectingTo target: SocketAddress, deadline: Deadline) throws(Failure) {
        fd = Glibc.socket(target.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket() failed (\(errno))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var tick = timeval(tv_sec: 0, tv_usec: 250_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tick, socklen_t(MemoryLayout<timeval>.size))
        var err: Int32 = target.withSockAddr { Glibc.connect(fd, $0, $1) } == 0 ? 0 : errno
        if err == EINTR || err == EINPROGRESS {
            // Interrupted or past SO_SNDTIMEO: the connect goes on in the background, so wait
            // for it with poll (retrying connect would only answer EALREADY).
            err = Self.awaitConnect(fd, deadline: deadline)
        }
        if err != 0 {
            Glibc.close(fd)
            throw .system("connect() to \(target) failed (\(err): \(String(cString: strerror(err))))")
        }
    }

    /// The outcome of a connect in progress: 0, its error, or ETIMEDOUT at the deadline.
    private static func awaitConnect(_ fd: Int32, deadline: Deadline) -> Int32 {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            let ready = poll(&entry, 1, deadline.remainingMs)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return ETIMEDOUT }
            return Sys.pendingError(fd)
        }
    }

    deinit {
        Glibc.close(fd)
    }

    /// Sends all of `bytes`.
    func sendAll(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n >= 0 {
                offset += n
                continue
            }
            try retryOrFail("send", errno, deadline)
        }
    }

    /// Sends all of an array. (The error is carried out of the closure, not thrown through
    /// it: Swift 6.3's optimizer crashes inlining a typed-throws closure here.)
    func sendAll(_ bytes: [UInt8], deadline: Deadline) throws(Failure) {
        let failure = bytes.withUnsafeBytes { (raw) -> Failure? in
            do throws(Failure) {
                try sendAll(raw, deadline: deadline)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Up to `buffer.count` bytes; 0 at end of stream.
    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(Failure) -> Int {
        while true {
            let n = Glibc.recv(fd, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            try retryOrFail("recv", errno, deadline)
        }
    }

    func shutdownWrite() {
        Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// EINTR and the quarter-second timeout tick are retried until the deadline.
    private func retryOrFail(_ call: String, _ err: Int32, _ deadline: Deadline) throws(Failure) {
        if err == EINTR { return }
        if err == EAGAIN || err == EWOULDBLOCK {
            if deadline.hasPassed { throw .timedOut }
            return
        }
        throw .system("\(call)() failed (\(err): \(String(cString: strerror(err))))")
    }
}

extension BlockingSocket.Failure: CustomStringConvertible {
    var description: String {
        switch self {
        case .system(let text): text
        case .timedOut: "timed out"
        case .closed: "connection closed early"
        }
    }
}

@available(*, unavailable)
extension BlockingSocket: Sendable {}
