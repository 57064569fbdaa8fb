import Glibc
import Synchronization

/// A backend on 127.0.0.1 that runs `handler` on its own thread for each connection, with a
/// blocking socket whose every call times out after `TCP.ioSlice`. `stop()` shuts down the
/// live sockets (a blocked handler returns at once), joins every thread, and closes.
public final class ThreadedServer: Sendable {
    /// Runs on the connection's thread; the server closes `fd` when it returns.
    public typealias Handler = @Sendable (_ fd: Int32) -> Void

    public let port: UInt16
    private let shared: Shared
    private let acceptor: TestThread

    private final class Shared: Sendable {
        let stopping = Atomic<Bool>(false)
        /// Sockets a handler is using; removed under the lock before closing, so `stop()`
        /// never shuts down a descriptor number that was reused.
        let live = Mutex<Set<Int32>>([])
        let threads = Mutex<[TestThread]>([])
        let accepted = Atomic<Int>(0)
    }

    public init(backlog: Int32 = 128, handler: @escaping Handler) throws {
        let (listener, port) = try TCP.listen(backlog: backlog)
        let shared = Shared()
        self.port = port
        self.shared = shared
        do {
            acceptor = try TestThread { ThreadedServer.acceptLoop(listener: listener, shared: shared, handler: handler) }
        } catch {
            TCP.close(listener)
            throw error
        }
    }

    deinit { stop() }

    public var acceptedCount: Int { shared.accepted.load(ordering: .acquiring) }

    public func stop() {
        shared.stopping.store(true, ordering: .releasing)
        acceptor.join(timeout: 5)
        shared.live.withLock { live in
            for fd in live { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        }
        let threads = shared.threads.withLock { threads in
            defer { threads.removeAll() }
            return threads
        }
        for thread in threads { thread.join(timeout: 5) }
    }

    private static func acceptLoop(listener: Int32, shared: Shared, handler: @escaping Handler) {
        defer { TCP.close(listener) }
        // A forgotten stop() must not keep accepting past any test's budget.
        let lifetime = Deadline(seconds: EchoServer.maxLifetime)
        while !shared.stopping.load(ordering: .acquiring) && !lifetime.hasPassed {
            var entry = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) > 0 else { continue }
            let fd = TCP.accept(listener, nonBlocking: false)
            guard fd >= 0 else { continue }
            shared.accepted.add(1, ordering: .acquiringAndReleasing)
            shared.live.withLock { _ = $0.insert(fd) }
            let thread = try? TestThread {
                handler(fd)
                shared.live.withLock { live in
                    live.remove(fd)
                    TCP.close(fd)
                }
            }
            if let thread {
                shared.threads.withLock { $0.append(thread) }
            } else {
                shared.live.withLock { live in
                    live.remove(fd)
                    TCP.close(fd)
                }
            }
        }
    }
}

/// What a sink saw on one connection: every byte's digest, and how the stream ended.
public struct SinkRecord: Sendable, CustomStringConvertible {
    public let digest: StreamDigest
    /// nil when the stream ended with EOF.
    public let error: String?

    public var description: String { error.map { "\(digest) then \($0)" } ?? "\(digest) then EOF" }
}

/// A backend that reads each connection to EOF, hashing everything, and records the result.
public final class SinkServer: Sendable {
    private let server: ThreadedServer
    private let records: Records
    public var port: UInt16 { server.port }

    private final class Records: Sendable {
        let list = Mutex<[SinkRecord]>([])
    }

    public init(timeout: Double = 300) throws {
        let records = Records()
        self.records = records
        server = try ThreadedServer { fd in
            let record: SinkRecord
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Transfer.defaultChunk, alignment: 16)
            defer { buffer.deallocate() }
            var digest = StreamDigest()
            let deadline = Deadline(seconds: timeout)
            var failure: String?
            while true {
                do {
                    let n = try TCP.receiveSome(fd, into: buffer, deadline: deadline)
                    if n == 0 { break }
                    digest.add(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                } catch {
                    failure = "\(error)"
                    break
                }
            }
            record = SinkRecord(digest: digest, error: failure)
            records.list.withLock { $0.append(record) }
        }
    }

    deinit { stop() }

    public var received: [SinkRecord] { records.list.withLock { $0 } }

    /// The first `count` finished connections, or nil if they do not finish in time.
    public func waitForRecords(_ count: Int, timeout: Double) -> [SinkRecord]? {
        var result: [SinkRecord] = []
        let done = waitUntil(timeout: timeout) {
            result = received
            return result.count >= count
        }
        return done ? result : nil
    }

    public func stop() { server.stop() }
}

/// A backend that sends `total` pattern bytes from `seed` on each connection, then closes.
public final class SourceServer: Sendable {
    private let server: ThreadedServer
    private let results: Results
    public var port: UInt16 { server.port }
    public let expected: StreamDigest

    private final class Results: Sendable {
        let list = Mutex<[Result<StreamDigest, HarnessError>]>([])
    }

    public init(total: Int, seed: UInt64, timeout: Double = 300) throws {
        let results = Results()
        self.results = results
        expected = Transfer.patternDigest(total: total, seed: seed)
        server = try ThreadedServer { fd in
            let result: Result<StreamDigest, HarnessError>
            do {
                result = .success(try Transfer.sendPattern(fd, total: total, seed: seed, deadline: Deadline(seconds: timeout)))
            } catch let error as HarnessError {
                result = .failure(error)
            } catch {
                result = .failure(HarnessError("\(error)"))
            }
            results.list.withLock { $0.append(result) }
        }
    }

    deinit { stop() }

    /// One entry per finished connection: what was sent, or why sending failed.
    public var sent: [Result<StreamDigest, HarnessError>] { results.list.withLock { $0 } }

    public func stop() { server.stop() }
}

/// A backend that reads each request until the client half-closes, then writes
/// `"reply to " + request` and closes: it only works if the half-close reaches it while its
/// own sending direction stays open.
public final class ReplyAfterEOFServer: Sendable {
    public struct Exchange: Sendable {
        public let request: [UInt8]
        /// nil when the request did not end with EOF (reset, timeout).
        public let requestError: String?
        /// Whether the whole reply could be written.
        public let replied: Bool
    }

    private let server: ThreadedServer
    private let log: Log
    public var port: UInt16 { server.port }

    private final class Log: Sendable {
        let list = Mutex<[Exchange]>([])
    }

    public static func reply(to request: [UInt8]) -> [UInt8] { Array("reply to ".utf8) + request }

    public init(timeout: Double = 30) throws {
        let log = Log()
        self.log = log
        server = try ThreadedServer { fd in
            let deadline = Deadline(seconds: timeout)
            var request: [UInt8] = []
            var requestError: String?
            do {
                request = try TCP.receiveUntilEOF(fd, deadline: deadline, limit: 1 << 20)
            } catch {
                requestError = "\(error)"
            }
            var replied = false
            if requestError == nil {
                replied = (try? TCP.sendAll(fd, ReplyAfterEOFServer.reply(to: request), deadline: deadline)) != nil
            }
            log.list.withLock { $0.append(Exchange(request: request, requestError: requestError, replied: replied)) }
        }
    }

    deinit { stop() }

    public var exchanges: [Exchange] { log.list.withLock { $0 } }

    public func waitForExchanges(_ count: Int, timeout: Double) -> [Exchange]? {
        var result: [Exchange] = []
        let done = waitUntil(timeout: timeout) {
            result = exchanges
            return result.count >= count
        }
        return done ? result : nil
    }

    public func stop() { server.stop() }
}
