import Testing
import TestSupport

extension Integration {
    /// `proxy_splice off`: the same tunnel, copying through a ring buffer instead of splicing.
    @Suite struct StreamCopyModeTests {
        /// 64 MiB each way through a copying tunnel arrive intact, and the exit line counts
        /// them as copied, none spliced.
        @Test func stream_copyModeMovesBytesIntact() throws {
            let sink = try SinkServer()
            defer { sink.stop() }
            let (router, port) = try startProxy(to: sink.port, "proxy_splice off;")
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let sent = try Transfer.sendPattern(fd, total: 64 * MiB, seed: 0xC0FFEE, deadline: Deadline(seconds: 60))
            TCP.shutdownWrite(fd)
            let records = try #require(sink.waitForRecords(1, timeout: 60), "the upstream never saw EOF; log:\n\(router.logTail())")
            #expect(records[0].digest == sent, "sent \(sent), upstream got \(records[0])")

            let summary = try router.stopCleanly()
            #expect(summary.copied >= 64 * MiB, "\(summary)")
            #expect(summary.spliced == 0, "\(summary)")
        }

        /// The built-in echo in copy mode returns every byte.
        @Test func stream_copyModeEcho() throws {
            let (router, port) = try startStreamServer(["echo;", "proxy_splice off;"])
            defer { router.stop() }
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try expectEchoRoundTrip(fd, total: 4 * MiB, seed: 7, within: 30, router: router)
        }
    }
}
