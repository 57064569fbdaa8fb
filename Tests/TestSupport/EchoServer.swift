import Glibc
import Synchronization

/// An echo backend on 127.0.0.1: one poll(2) thread serves every connection (500 at once
/// is fine), returns every byte it reads, and on the peer's EOF flushes and closes. It
/// counts connections and how they ended, so a test can see the proxy close its side.
public final class EchoServer: Sendable {
    public struct Counters: Sendable, CustomStringConvertible {
        public var accepted = 0
        /// Connections that ended, by EOF or by an error.
        public var closed = 0
        /// Of those, the ones that ended with a reset or another error.
        public var failed = 0
        public var bytesEchoed = 0
        public var open: Int { accepted - closed }

        public var description: String {
            "accepted=\(accepted) closed=\(closed) failed=\(failed) echoed=\(bytesEchoed)"
        }
    }

    /// The longest the server runs even if nobody stops it.
    public static let maxLifetime = 900.0

    public let port: UInt16
    private let shared: Shared
    private let thread: TestThread

    private final class Shared: Sendable {
        let counters = Mutex(Counters())
        let stopping = Atomic<Bool>(false)
    }

    public init(backlog: Int32 = 1024) throws {
        let (listener, port) = try TCP.listen(backlog: backlog)
        TCP.setNonBlocking(listener)
        let shared = Shared()
        self.port = port
        self.shared = shared
        do {
            thread = try TestThread { EchoServer.run(listener: listener, shared: shared) }
        } catch {
            TCP.close(listener)
            throw error
        }
    }

    deinit { stop() }

    public var counters: Counters { shared.counters.withLock { $0 } }

    /// Waits until at least `count` connections have ended.
    public func waitForClosed(_ count: Int, timeout: Double) -> Bool {
        waitUntil(timeout: timeout) { counters.closed >= count }
    }

    /// Stops the thread and closes every socket; safe to call twice.
    public func stop() {
        shared.stopping.store(true, ordering: .releasing)
        thread.join(timeout: 5)
    }

    private struct Connection {
        var pending: [UInt8] = []
        var sent = 0
        var peerClosed = false
        var hasPending: Bool { sent < pending.count }
    }

    private static func run(listener: Int32, shared: Shared) {
        var connections: [Int32: Connection] = [:]
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer {
            buffer.deallocate()
            for fd in connections.keys { TCP.close(fd) }
            TCP.close(listener)
        }
        var pollSet: [pollfd] = []
        // A forgotten stop() must not keep the thread alive past any test's budget.
        let lifetime = Deadline(seconds: EchoServer.maxLifetime)
        while !shared.stopping.load(ordering: .acquiring) && !lifetime.hasPassed {
            pollSet.removeAll(keepingCapacity: true)
            pollSet.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0))
            for (fd, connection) in connections {
                let events = connection.hasPending ? POLLOUT : (connection.peerClosed ? 0 : POLLIN)
                pollSet.append(pollfd(fd: fd, events: Int16(events), revents: 0))
            }
            let ready = poll(&pollSet, nfds_t(pollSet.count), 50)
            guard ready > 0 else { continue }

            if pollSet[0].revents != 0 {
                for _ in 0..<256 {
                    let fd = TCP.accept(listener, nonBlocking: true)
                    guard fd >= 0 else { break }
                    connections[fd] = Connection()
                    shared.counters.withLock { $0.accepted += 1 }
                }
            }
            for entry in pollSet.dropFirst() where entry.revents != 0 {
                guard var connection = connections[entry.fd] else { continue }
                var failed = false
                if connection.hasPending {
                    failed = !flush(entry.fd, &connection, shared)
                } else if !connection.peerClosed {
                    let n = recv(entry.fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
                    if n > 0 {
                        connection.pending = Array(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                        connection.sent = 0
                        failed = !flush(entry.fd, &connection, shared)
                    } else if n == 0 {
                        connection.peerClosed = true
                    } else if errno != EAGAIN && errno != EINTR {
                        failed = true
                    }
                }
                if failed || (connection.peerClosed && !connection.hasPending) {
                    TCP.close(entry.fd)
                    connections[entry.fd] = nil
                    shared.counters.withLock {
                        $0.closed += 1
                        if failed { $0.failed += 1 }
                    }
                } else {
                    connections[entry.fd] = connection
                }
            }
        }
    }

    /// Writes what it can without blocking; false when the socket failed.
    private static func flush(_ fd: Int32, _ connection: inout Connection, _ shared: Shared) -> Bool {
        while connection.hasPending {
            let n = connection.pending.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + connection.sent, raw.count - connection.sent, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if n > 0 {
                connection.sent += n
                shared.counters.withLock { $0.bytesEchoed += n }
                continue
            }
            return errno == EAGAIN || errno == EINTR
        }
        connection.pending.removeAll(keepingCapacity: true)
        connection.sent = 0
        return true
    }
}
