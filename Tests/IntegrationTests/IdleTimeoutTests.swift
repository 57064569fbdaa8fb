import Testing
import TestSupport

extension Integration {
    /// `proxy_timeout`: a session with no bytes either way for that long is closed.
    @Suite struct IdleTimeoutTests {
        /// After an exchange, an idle session under `proxy_timeout 1s` ends: the client sees
        /// EOF between ~1 s and 3 s later, and the upstream sees its connection closed too.
        @Test func idle_closesBothSides() throws {
            let (echo, router, port) = try startProxyToEchoServer("proxy_timeout 1s;")
            defer { router.stop(); echo.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try expectEcho(fd, "before going idle")
            let end = waitForEnd(fd, within: 4)
            #expect(end.end == .eof, "client: \(end.end) after \(end.elapsed) s idle; log:\n\(router.logTail())")
            #expect(end.elapsed >= 0.8 && end.elapsed <= 3, "closed after \(end.elapsed) s idle")
            #expect(echo.waitForClosed(1, timeout: 3), "upstream connection still open: \(echo.counters)")
        }

        /// Traffic resets the idle timer: a session that exchanges a message every 400 ms
        /// for 2.4 s under `proxy_timeout 1s` stays open throughout.
        @Test func idle_activityKeepsSessionOpen() throws {
            let (echo, router, port) = try startProxyToEchoServer("proxy_timeout 1s;")
            defer { router.stop(); echo.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            for beat in 0..<6 {
                MonotonicTime.sleep(0.4)
                try expectEcho(fd, "heartbeat \(beat)", timeout: 2, "log:\n\(router.logTail())")
            }
            #expect(echo.counters.closed == 0, "upstream: \(echo.counters)")
        }
    }
}
