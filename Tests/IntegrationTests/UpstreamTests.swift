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
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(config: { streamConfig($0, """
                    upstream group {
                        server 127.0.0.1:\(closed);
                        server 127.0.0.1:\(echo.port);
                    }
                    server {
                        listen 127.0.0.1:\(port);
                        proxy_pass group;
                        proxy_connect_timeout 1s;
                    }
                """) }, waitForPorts: [port])
            defer { router.stop() }

            for attempt in 0..<6 {
                let fd = try TCP.connect(port: port)
                defer { TCP.close(fd) }
                let message = "failover \(attempt)"
                #expect(try EchoExchange.ping(fd, message) == message, "attempt \(attempt); log:\n\(router.logTail())")
            }
            #expect(echo.counters.accepted == 6)
        }

        /// A single upstream that never answers the SYN: the client is closed (EOF or reset)
        /// after `proxy_connect_timeout 500ms`, not before ~400 ms and well within 5 s.
        @Test func upstream_connectTimeoutClosesClient() throws {
            let blackhole = try BlackholeListener()
            defer { blackhole.close() }
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(config: { streamConfig($0, """
                    server {
                        listen 127.0.0.1:\(port);
                        proxy_pass 127.0.0.1:\(blackhole.port);
                        proxy_connect_timeout 500ms;
                    }
                """) }, waitForPorts: [port])
            defer { router.stop() }

            let started = MonotonicTime.now()
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: 6))
            let elapsed = MonotonicTime.now() - started
            #expect(end.end == .eof || end.end == .reset, "client: \(end.end) after \(elapsed) s; log:\n\(router.logTail())")
            #expect(end.bytes == 0)
            #expect(elapsed >= 0.4, "closed after \(elapsed) s, before the connect timeout")
            #expect(elapsed < 5, "closed after \(elapsed) s")
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
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(config: { streamConfig($0, """
                    upstream group {
                        server 127.0.0.1:\(blackhole.port);
                        server 127.0.0.1:\(echo.port);
                    }
                    server {
                        listen 127.0.0.1:\(port);
                        proxy_pass group;
                        proxy_connect_timeout 500ms;
                    }
                """) }, waitForPorts: [port])
            defer { router.stop() }

            var slowest = 0.0
            for attempt in 0..<3 {
                let started = MonotonicTime.now()
                let fd = try TCP.connect(port: port)
                defer { TCP.close(fd) }
                let message = "after timeout \(attempt)"
                #expect(try EchoExchange.ping(fd, message, timeout: 5) == message, "attempt \(attempt); log:\n\(router.logTail())")
                let elapsed = MonotonicTime.now() - started
                #expect(elapsed < 5, "attempt \(attempt) took \(elapsed) s")
                slowest = max(slowest, elapsed)
            }
            #expect(slowest >= 0.4, "no connection waited for the connect timeout (slowest \(slowest) s)")
            #expect(echo.counters.accepted == 3)
        }
    }
}
