import CTestSupport
import Glibc

/// Many echo clients at once on the calling thread: non-blocking sockets and one poll(2)
/// loop instead of a thread per connection. Each connection sends its own pattern and must
/// read the same bytes back.
public enum ConcurrentEchoClient {
    public struct Report: Sendable, CustomStringConvertible {
        public var verified = 0
        public var failures: [String] = []
        public var seconds = 0.0

        public var description: String {
            let shown = failures.prefix(10).joined(separator: "; ")
            return "\(verified) verified, \(failures.count) failed in \(String(format: "%.2f", seconds)) s"
                + (failures.isEmpty ? "" : ": \(shown)\(failures.count > 10 ? "; ..." : "")")
        }
    }

    private enum Phase { case connecting, exchanging, done }

    private struct Connection {
        let index: Int
        let fd: Int32
        let payload: [UInt8]
        let expected: StreamDigest
        var phase = Phase.connecting
        var sent = 0
        var received = StreamDigest()
    }

    /// Opens `connections` sockets to 127.0.0.1:`port`, sends `bytesEach` bytes on each and
    /// reads them back, all within `timeout` seconds. Must run on a real thread or a
    /// synchronous test: it blocks in poll.
    public static func run(port: UInt16, connections count: Int, bytesEach: Int, timeout: Double) -> Report {
        let started = MonotonicTime.now()
        let deadline = Deadline(seconds: timeout)
        var report = Report()
        var live: [Connection] = []
        defer {
            for connection in live where connection.phase != .done { TCP.close(connection.fd) }
        }

        for index in 0..<count {
            var payload = [UInt8](repeating: 0, count: bytesEach)
            payload.withUnsafeMutableBytes { CTestSupport_fillPattern($0.baseAddress, $0.count, UInt64(index) + 1) }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else {
                report.failures.append("#\(index): socket: errno \(errno)")
                continue
            }
            var address = TCP.loopback(port: port)
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if rc != 0 && errno != EINPROGRESS {
                report.failures.append("#\(index): connect: errno \(errno)")
                TCP.close(fd)
                continue
            }
            live.append(Connection(index: index, fd: fd, payload: payload, expected: StreamDigest(payload)))
        }

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        var pollSet: [pollfd] = []
        var slots: [Int] = []
        while !deadline.hasPassed {
            pollSet.removeAll(keepingCapacity: true)
            slots.removeAll(keepingCapacity: true)
            for (slot, connection) in live.enumerated() where connection.phase != .done {
                var events = POLLIN
                if connection.phase == .connecting || connection.sent < connection.payload.count { events |= POLLOUT }
                pollSet.append(pollfd(fd: connection.fd, events: Int16(events), revents: 0))
                slots.append(slot)
            }
            if pollSet.isEmpty { break }
            guard poll(&pollSet, nfds_t(pollSet.count), deadline.pollMilliseconds()) > 0 else { continue }
            for (entry, slot) in zip(pollSet, slots) where entry.revents != 0 {
                if let failure = step(&live[slot], buffer: buffer) {
                    report.failures.append("#\(live[slot].index): \(failure)")
                    live[slot].phase = .done
                    TCP.close(live[slot].fd)
                } else if live[slot].phase == .done {
                    report.verified += 1
                    TCP.close(live[slot].fd)
                }
            }
        }
        for connection in live where connection.phase != .done {
            report.failures.append("#\(connection.index): timed out after sending \(connection.sent) and receiving \(connection.received.count) bytes")
        }
        report.seconds = MonotonicTime.now() - started
        return report
    }

    /// Advances one connection; a failure sentence, or nil.
    private static func step(_ connection: inout Connection, buffer: UnsafeMutableRawBufferPointer) -> String? {
        if connection.phase == .connecting {
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 { return "connect: \(String(cString: strerror(error)))" }
            connection.phase = .exchanging
        }
        while connection.sent < connection.payload.count {
            let n = connection.payload.withUnsafeBytes { raw in
                send(connection.fd, raw.baseAddress! + connection.sent, raw.count - connection.sent, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                connection.sent += n
            } else if errno == EAGAIN || errno == EINTR {
                break
            } else {
                return "send after \(connection.sent) bytes: \(String(cString: strerror(errno)))"
            }
        }
        while true {
            let n = recv(connection.fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 {
                connection.received.add(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                if connection.received.count > connection.payload.count {
                    return "received \(connection.received.count) bytes, more than the \(connection.payload.count) sent"
                }
                continue
            }
            if n == 0 {
                if connection.received.count == connection.payload.count { break }
                return "EOF after receiving \(connection.received.count) of \(connection.payload.count) bytes"
            }
            if errno == EAGAIN || errno == EINTR { break }
            return "recv after \(connection.received.count) bytes: \(String(cString: strerror(errno)))"
        }
        if connection.received.count == connection.payload.count {
            guard connection.received == connection.expected else {
                return "echoed bytes differ: got \(connection.received), sent \(connection.expected)"
            }
            connection.phase = .done
        }
        return nil
    }
}
