import Glibc
import Synchronization
import Testing
import TestSupport

extension Integration {
    /// A client leaving while its upstream has not answered yet.
    @Suite struct HTTPClientAbortTests {
        /// The client closes while the upstream is still working (a long poll whose tab
        /// closed): the upstream's connection is closed at once, not after proxy_read_timeout.
        @Test func http_clientAbortClosesUpstream() throws {
            let upstreamClosedAfter = Mutex<Double?>(nil)
            let silent = try ThreadedServer { fd in
                var head: [UInt8] = []
                while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) && head.count < 8192 {
                    guard let byte = try? TCP.receiveExactly(fd, count: 1, deadline: Deadline(seconds: 5)) else { return }
                    head += byte
                }
                let started = MonotonicTime.now()
                let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: 8))
                if end.end == .eof || end.end == .reset {
                    upstreamClosedAfter.withLock { $0 = MonotonicTime.now() - started }
                }
            }
            defer { silent.stop() }
            let (router, port) = try startHTTPProxy(to: silent.port, readTimeout: "10s")
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            try TCP.sendAll(fd, "GET /app/poll HTTP/1.1\r\nHost: localhost\r\n\r\n", deadline: Deadline(seconds: 5))
            usleep(300_000)  // the request reaches the upstream
            TCP.close(fd)
            let closed = waitUntil(timeout: 5) { upstreamClosedAfter.withLock { $0 } != nil }
            #expect(closed, "the upstream connection stayed open; log:\n\(router.logTail())")
            #expect((upstreamClosedAfter.withLock { $0 } ?? 99) < 3)
            #expect(router.log.contains("client prematurely closed connection while waiting for upstream"), "log:\n\(router.logTail())")
        }

        /// A client that half-closes after its request (HTTP/1.0 style) still gets the answer.
        @Test func http_halfCloseAfterRequestStillAnswered() throws {
            let backend = try RecordingHTTPBackend { _ in
                .delayed(0.3, then: .sendAndClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nlater".utf8)))
            }
            defer { backend.stop() }
            let (router, port) = try startHTTPProxy(to: backend.port)
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            // Two pipelined requests, then FIN: bytes are still queued when the FIN is seen.
            try TCP.sendAll(fd, "GET /app/a HTTP/1.1\r\nHost: localhost\r\n\r\nGET /app/b HTTP/1.1\r\nHost: localhost\r\n\r\n",
                            deadline: Deadline(seconds: 5))
            TCP.shutdownWrite(fd)
            let reply = try TCP.receiveUntilEOF(fd, deadline: Deadline(seconds: 8))
            let text = String(decoding: reply, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK"), "\(text); log:\n\(router.logTail())")
            #expect(text.contains("later"))
        }
    }
}
