import Testing
import TestSupport

extension Integration {
    /// `proxy_timeout`: a session with no bytes either way for that long is closed.
    @Suite struct IdleTimeoutTests {
        /// After an exchange, an idle session under `proxy_timeout 1s` ends: the client sees
        /// EOF between ~1 s and 3 s later, and the upstream sees its connection closed too.
        @Test func idle_closesBothSides() throws {
            let echo = try EchoServer()
            defer { echo.stop() }
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(config: { streamConfig($0, """
                    server {
                        listen 127.0.0.1:\(port);
                        proxy_pass 127.0.0.1:\(echo.port);
                        proxy_timeout 1s;
                    }
                """) }, waitForPorts: [port])
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            #expect(try EchoExchange.ping(fd, "before going idle") == "before going idle")
            let idleSince = MonotonicTime.now()
            let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: 4))
            let elapsed = MonotonicTime.now() - idleSince
            #expect(end.end == .eof, "client: \(end.end) after \(elapsed) s idle; log:\n\(router.logTail())")
            #expect(elapsed >= 0.8 && elapsed <= 3, "closed after \(elapsed) s idle")
            #expect(echo.waitForClosed(1, timeout: 3), "upstream connection still open: \(echo.counters)")
        }

        /// Traffic resets the idle timer: a session that exchanges a message every 400 ms
        /// for 2.4 s under `proxy_timeout 1s` stays open throughout.
        @Test func idle_activityKeepsSessionOpen() throws {
            let echo = try EchoServer()
            defer { echo.stop() }
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(config: { streamConfig($0, """
                    server {
                        listen 127.0.0.1:\(port);
                        proxy_pass 127.0.0.1:\(echo.port);
                        proxy_timeout 1s;
                    }
                """) }, waitForPorts: [port])
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            for beat in 0..<6 {
                MonotonicTime.sleep(0.4)
                let message = "heartbeat \(beat)"
                #expect(try EchoExchange.ping(fd, message, timeout: 2) == message, "log:\n\(router.logTail())")
            }
            #expect(echo.counters.closed == 0, "upstream: \(echo.counters)")
        }
    }
}
