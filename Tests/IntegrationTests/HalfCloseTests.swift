import Glibc
import Testing
import TestSupport

extension Integration {
    /// `proxy_half_close`: what one side's EOF does to the other direction.
    @Suite struct HalfCloseTests {
        /// With `proxy_half_close on`, a client that half-closes after its request still gets
        /// the reply an upstream writes only after seeing that EOF, then EOF.
        @Test func halfClose_replyAfterClientEOF() throws {
            let upstream = try ReplyAfterEOFServer()
            defer { upstream.stop() }
            let (router, port) = try startProxy(to: upstream.port, "proxy_half_close on;")
            defer { router.stop() }

            let request = Array("request that ends with the client's EOF".utf8)
            let fd = try connectAndHalfClose(port: port, sending: request)
            defer { TCP.close(fd) }
            let reply = try TCP.receiveUntilEOF(fd, deadline: Deadline(seconds: 5))
            #expect(String(decoding: reply, as: UTF8.self) == String(decoding: ReplyAfterEOFServer.reply(to: request), as: UTF8.self),
                    "log:\n\(router.logTail())")
            let exchanges = try #require(upstream.waitForExchanges(1, timeout: 5))
            #expect(exchanges[0].request == request)
            #expect(exchanges[0].requestError == nil)
            #expect(exchanges[0].replied)
        }

        /// With `proxy_half_close off` (nginx's default), the client's EOF ends the session
        /// once its pending bytes reach the upstream: the request arrives whole, and the client
        /// gets EOF without the reply the upstream would only write later.
        @Test func halfClose_offEndsOnFirstEOF() throws {
            let upstream = try ReplyAfterEOFServer()
            defer { upstream.stop() }
            let (router, port) = try startProxy(to: upstream.port, "proxy_half_close off;")
            defer { router.stop() }

            let request = Array("request, then EOF".utf8)
            let fd = try connectAndHalfClose(port: port, sending: request)
            defer { TCP.close(fd) }
            let end = waitForEnd(fd, within: 5)
            #expect(end.end == .eof, "client: \(end.end) after \(end.elapsed) s; log:\n\(router.logTail())")
            #expect(end.bytes == 0, "the client got \(end.bytes) reply bytes after the session should have ended")
            let exchanges = try #require(upstream.waitForExchanges(1, timeout: 5))
            #expect(exchanges[0].request == request, "the pending request bytes were not all written before closing")
        }

        /// With `proxy_half_close on`, an upstream's EOF reaches the client as EOF after all of
        /// the upstream's bytes (the shipped default's setting, downstream direction).
        @Test func halfClose_upstreamEOFReachesClient() throws {
            let source = try SourceServer(total: 4 * MiB, seed: 77)
            defer { source.stop() }
            let (router, port) = try startProxy(to: source.port, "proxy_half_close on;")
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let received = try Transfer.receiveDigest(fd, deadline: Deadline(seconds: 20))
            #expect(received == source.expected, "log:\n\(router.logTail())")
        }

        /// A half-closed session waiting for the upstream's answer costs no CPU: the loop
        /// does not wake for a peer's FIN it has already handled.
        @Test func halfClose_waitingCostsNoCPU() throws {
            let backend = try TCP.listen()
            defer { TCP.close(backend.fd) }
            let (router, port) = try startProxy(to: backend.port, "proxy_half_close on;")
            defer { router.stop() }

            let fd = try connectAndHalfClose(port: port)
            defer { TCP.close(fd) }
            usleep(200_000)  // the FIN crosses to the (never answering) backend
            let ticks = ProcessStats.ticksUsed(by: router.pid) { usleep(1_500_000) }
            #expect(ticks < ProcessStats.ticksPerSecond / 2, "used \(ticks) ticks in 1.5 s while waiting")
            #expect(router.exitStatus == nil)
        }
    }
}
