import Glibc
import Testing
import TestSupport

extension Integration {
    /// Choosing upstream servers: `proxy_next_upstream` after a refused connect or a
    /// `proxy_connect_timeout`.
    @Suite struct UpstreamTests {
        /// An upstream group whose first server refuses connections (a closed port) still
        /// serves every client from its second server.
        @Test func upstream_refusedServerSkipped() throws {
            let echo = try EchoServer()
            defer { echo.stop() }
            let closed = try TCP.freePort()
            let (router, port) = try startProxy(toGroup: [closed, echo.port], "proxy_connect_timeout 1s;")
            defer { router.stop() }

            for attempt in 0..<6 {
                let fd = try TCP.connect(port: port)
                defer { TCP.close(fd) }
                try expectEcho(fd, "failover \(attempt)", "attempt \(attempt); log:\n\(router.logTail())")
            }
            #expect(echo.counters.accepted == 6)
        }

        /// A single upstream that never answers the SYN: the client is closed (EOF or reset)
        /// after `proxy_connect_timeout 500ms`, not before ~400 ms and well within 5 s.
        @Test func upstream_connectTimeoutClosesClient() throws {
            let blackhole = try BlackholeListener()
            defer { blackhole.close() }
            let (router, port) = try startProxy(to: blackhole.port, "proxy_connect_timeout 500ms;")
            defer { router.stop() }

            let started = MonotonicTime.now()
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let end = waitForEnd(fd, within: 6, since: started)
            #expect(end.end == .eof || end.end == .reset, "client: \(end.end) after \(end.elapsed) s; log:\n\(router.logTail())")
            #expect(end.bytes == 0)
            #expect(end.elapsed >= 0.4, "closed after \(end.elapsed) s, before the connect timeout")
            #expect(end.elapsed < 5, "closed after \(end.elapsed) s")
            #expect(blackhole.swallowsConnects(), "the blackhole stopped swallowing SYNs; the test proves nothing")
        }

        /// An upstream group of a server that never answers and an echo server: every client
        /// is served, and at least one of them waited for the 500 ms connect timeout first
        /// (so the timeout, not luck, sent it to the second server).
        @Test func upstream_connectTimeoutTriesNext() throws {
            let blackhole = try BlackholeListener()
            defer { blackhole.close() }
            let echo = try EchoServer()
            defer { echo.stop() }
            let (router, port) = try startProxy(toGroup: [blackhole.port, echo.port], "proxy_connect_timeout 500ms;")
            defer { router.stop() }

            var slowest = 0.0
            for attempt in 0..<3 {
                let started = MonotonicTime.now()
                let fd = try TCP.connect(port: port)
                defer { TCP.close(fd) }
                try expectEcho(fd, "after timeout \(attempt)", timeout: 5, "attempt \(attempt); log:\n\(router.logTail())")
                let elapsed = MonotonicTime.now() - started
                #expect(elapsed < 5, "attempt \(attempt) took \(elapsed) s")
                slowest = max(slowest, elapsed)
            }
            #expect(slowest >= 0.4, "no connection waited for the connect timeout (slowest \(slowest) s)")
            #expect(echo.counters.accepted == 3)
        }
    }
}
