import Glibc
import Synchronization

/// Full-duplex exchanges with an echo peer through a blocking socket.
public enum EchoExchange {
    /// Sends `total` pattern bytes from a helper thread (then half-closes) while the calling
    /// thread reads until EOF; returns what was sent and what came back. Sending and
    /// reading at once is what keeps a large echo from deadlocking on full buffers.
    public static func roundTrip(_ fd: Int32, total: Int, seed: UInt64, deadline: Deadline) throws
        -> (sent: StreamDigest, received: StreamDigest) {
        let outcome = SendOutcome()
        let sender = try TestThread {
            let result: Result<StreamDigest, HarnessError>
            do {
                result = .success(try Transfer.sendPattern(fd, total: total, seed: seed, deadline: deadline))
                TCP.shutdownWrite(fd)
            } catch let error as HarnessError {
                result = .failure(error)
            } catch {
                result = .failure(HarnessError("\(error)"))
            }
            outcome.result.withLock { $0 = result }
        }
        let received: Result<StreamDigest, Error>
        do {
            received = .success(try Transfer.receiveDigest(fd, deadline: deadline))
        } catch {
            received = .failure(error)
            _ = shutdown(fd, Int32(SHUT_RDWR))  // unblocks the sender
        }
        guard sender.join(timeout: deadline.remaining + 2) else { throw HarnessError("echo sender thread did not finish") }
        let sent = outcome.result.withLock { $0 }
        let echoed: StreamDigest
        do {
            echoed = try received.get()
        } catch {
            throw HarnessError("receiving the echo: \(error); sending: \(sent.map { "\($0)" } ?? "unfinished")")
        }
        return (try sent?.get() ?? StreamDigest(), echoed)
    }

    /// Sends `message` and reads exactly as many bytes back.
    public static func ping(_ fd: Int32, _ message: String, timeout: Double = 5) throws -> String {
        let deadline = Deadline(seconds: timeout)
        let bytes = Array(message.utf8)
        try TCP.sendAll(fd, bytes, deadline: deadline)
        return String(decoding: try TCP.receiveExactly(fd, count: bytes.count, deadline: deadline), as: UTF8.self)
    }
}

private final class SendOutcome: Sendable {
    let result = Mutex<Result<StreamDigest, HarnessError>?>(nil)
}
