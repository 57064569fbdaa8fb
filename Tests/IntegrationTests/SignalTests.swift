import Glibc
import Testing
import TestSupport

extension Integration {
    /// Stopping the router: signals, `-s stop|quit` through the pid file, graceful drain.
    @Suite struct SignalTests {
        /// The pid file holds the router's pid, and `-s stop` (SIGTERM through it) exits 0
        /// for the command and makes the router exit 0 promptly with its exit line.
        @Test func signals_stopThroughPidFile() throws {
            let (router, _) = try startBuiltinEcho()
            defer { router.stop() }

            #expect(readPidFile(router.directory.file("switchyard.pid")) == router.pid)
            let command = try SwitchyardProcess.run(["-c", router.configPath, "-s", "stop"])
            #expect(command.status == .exited(0), "\(command)")
            #expect(router.waitForExit(timeout: 5) == .exited(0), "log:\n\(router.logTail())")
            #expect(router.exitSummary != nil, "no exit line; log:\n\(router.logTail())")
        }

        /// SIGTERM with a session open: the router exits 0 within 5 s and the client's
        /// connection is closed.
        @Test func signals_sigtermClosesSessions() throws {
            let (echo, router, port) = try startProxyToEchoServer()
            defer { router.stop(); echo.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try expectEcho(fd, "open session")
            let started = MonotonicTime.now()
            let status = router.stop(signal: SIGTERM, timeout: 5)
            #expect(status == .exited(0), "after \(MonotonicTime.now() - started) s; log:\n\(router.logTail())")
            let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: 2))
            #expect(end.end == .eof || end.end == .reset, "client: \(end.end)")
            #expect(echo.waitForClosed(1, timeout: 2), "upstream: \(echo.counters)")
        }

        /// SIGINT stops the router like SIGTERM: exit status 0 within 5 s.
        @Test func signals_sigintExits() throws {
            let (router, _) = try startBuiltinEcho()
            defer { router.stop() }
            #expect(router.stop(signal: SIGINT, timeout: 5) == .exited(0), "log:\n\(router.logTail())")
        }

        /// `-s quit` (SIGQUIT through the pid file): new connects are refused, an established
        /// session keeps working until its client closes, then the router exits 0.
        @Test func signals_quitDrainsEstablishedSession() throws {
            let (echo, router, port) = try startProxyToEchoServer()
            defer { router.stop(); echo.stop() }

            let fd = try TCP.connect(port: port)
            var clientOpen = true
            defer { if clientOpen { TCP.close(fd) } }
            try expectEcho(fd, "before quit")

            let command = try SwitchyardProcess.run(["-c", router.configPath, "-s", "quit"])
            #expect(command.status == .exited(0), "\(command)")
            // Connects that land before the router handles SIGQUIT are closed at once.
            let refused = waitUntil(timeout: 5, interval: 0.05) {
                switch TCP.tryConnect(port: port, timeout: 0.5) {
                case .refused: return true
                case .connected(let probe): TCP.close(probe); return false
                case .timedOut, .failed: return false
                }
            }
            #expect(refused, "new connects still accepted after -s quit; log:\n\(router.logTail())")

            try expectEcho(fd, "during drain", "log:\n\(router.logTail())")
            MonotonicTime.sleep(0.3)
            #expect(router.exitStatus == nil, "exited with a session still open; log:\n\(router.logTail())")
            try expectEcho(fd, "still draining")

            TCP.close(fd)
            clientOpen = false
            #expect(router.waitForExit(timeout: 5) == .exited(0), "log:\n\(router.logTail())")
            #expect(router.exitSummary != nil, "no exit line; log:\n\(router.logTail())")
        }
    }
}
