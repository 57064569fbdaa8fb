import Testing
import TestSupport

extension Integration {
    /// Bulk and concurrent traffic through a `stream` proxy.
    @Suite struct StreamProxyTests {
        /// 256 MiB from a client reach the upstream byte for byte (count and hash), the client
        /// gets EOF after its half-close, and the exit line after SIGTERM counts them as
        /// spliced, none copied.
        @Test func stream_upload256MiB() throws {
            let sink = try SinkServer()
            defer { sink.stop() }
            let (router, port) = try startProxy(to: sink.port)
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let sent = try Transfer.sendPattern(fd, total: 256 * MiB, seed: 0x1234_5678, deadline: Deadline(seconds: 120))
            TCP.shutdownWrite(fd)
            let records = try #require(sink.waitForRecords(1, timeout: 60), "the upstream never saw EOF; log:\n\(router.logTail())")
            #expect(records.count == 1)
            #expect(records[0].digest == sent, "sent \(sent), upstream got \(records[0])")
            #expect(records[0].error == nil)
            let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: 10))
            #expect(end.end == .eof && end.bytes == 0, "client saw \(end.bytes) bytes then \(end.end)")

            let summary = try router.stopCleanly()
            #expect(summary.sessions == 1)
            #expect(summary.spliced >= 256 * MiB, "\(summary)")
            #expect(summary.copied == 0, "\(summary)")
        }

        /// 256 MiB from an upstream reach the client byte for byte and then EOF when the
        /// upstream closes; the exit line counts them as spliced, none copied.
        @Test func stream_download256MiB() throws {
            let source = try SourceServer(total: 256 * MiB, seed: 0xD0_7710AD)
            defer { source.stop() }
            let (router, port) = try startProxy(to: source.port)
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let received = try Transfer.receiveDigest(fd, deadline: Deadline(seconds: 120))
            #expect(received == source.expected, "expected \(source.expected), client got \(received)")
            #expect(waitUntil(timeout: 10) { !source.sent.isEmpty })
            if case .failure(let error) = source.sent.first { Issue.record("upstream could not send: \(error)") }

            let summary = try router.stopCleanly()
            #expect(summary.sessions == 1)
            #expect(summary.spliced >= 256 * MiB, "\(summary)")
            #expect(summary.copied == 0, "\(summary)")
        }

        /// 500 connections open at once, each sending 64 KiB through the proxy to an echo
        /// upstream, all get their own bytes back; the upstream sees every connection closed
        /// after the clients close, and the exit line counts 500 sessions.
        @Test func stream_concurrent500() throws {
            TCP.raiseOpenFileLimit()
            let (echo, router, port) = try startProxyToEchoServer(workers: 2, connections: 4096)
            defer { router.stop(); echo.stop() }

            let report = ConcurrentEchoClient.run(port: port, connections: 500, bytesEach: 64 * 1024, timeout: 60)
            #expect(report.verified == 500, "\(report); log:\n\(router.logTail())")
            #expect(echo.waitForClosed(500, timeout: 10), "upstream: \(echo.counters)")
            #expect(echo.counters.accepted == 500, "upstream: \(echo.counters)")

            let summary = try router.stopCleanly()
            #expect(summary.sessions == 500, "\(summary)")
            #expect(summary.spliced + summary.copied >= 2 * 500 * 64 * 1024, "\(summary)")
        }
    }
}
