import Glibc
import Testing
import TestSupport

extension Integration {
    /// SIGHUP: a new configuration for new connections, in the same process, without
    /// touching established tunnels.
    @Suite struct ReloadTests {
        /// After a reload that points the port at another upstream and adds a listener, the
        /// session opened before still talks to its old upstream, new sessions reach the new
        /// one, and the new listener serves.
        @Test func reload_keepsEstablishedTunnel() throws {
            let before = try EchoServer(), after = try EchoServer()
            defer { before.stop(); after.stop() }
            let added = try TCP.freePort()
            let (router, port) = try startProxy(to: before.port)
            defer { router.stop() }

            let old = try TCP.connect(port: port)
            defer { TCP.close(old) }
            try expectEcho(old, "first")

            _ = try router.directory.write("switchyard.conf", streamConfig(router.directory, """
                    server { listen 127.0.0.1:\(port); proxy_pass 127.0.0.1:\(after.port); }
                    server { listen 127.0.0.1:\(added); echo; }
                """))
            router.signal(SIGHUP)
            #expect(waitUntil(timeout: 5) { Listeners.isListening(port: added) }, "log:\n\(router.logTail())")
            #expect(waitUntil(timeout: 5) { router.log.contains("reconfigured") }, "log:\n\(router.logTail())")

            try expectEcho(old, "still here")
            // The echo server counts after it has sent: wait for its books, not just the bytes.
            let echoed = "first".utf8.count + "still here".utf8.count
            #expect(waitUntil(timeout: 5) { before.counters.bytesEchoed == echoed },
                    "the old session kept its upstream: \(before.counters)")
            #expect(after.counters.accepted == 0)

            let fresh = try TCP.connect(port: port)
            defer { TCP.close(fresh) }
            try expectEcho(fresh, "new")
            #expect(after.counters.accepted == 1, "a new session uses the new upstream: \(after.counters)")

            let builtin = try TCP.connect(port: added)
            defer { TCP.close(builtin) }
            try expectEcho(builtin, "added")
            #expect(router.exitStatus == nil, "still running")
        }

        /// A reload with an error in the file changes nothing: the error is logged with its
        /// file and line, and the running configuration keeps serving.
        @Test func reload_badConfigKeepsRunning() throws {
            let (router, port) = try startBuiltinEcho()
            defer { router.stop() }

            _ = try router.directory.write("switchyard.conf", "worker_processes 1;\nstream { server { listen 127.0.0.1:\(port); ech; } }\n")
            router.signal(SIGHUP)
            let logged = waitUntil(timeout: 5) { router.log.contains("reload failed") }
            #expect(logged, "log:\n\(router.logTail())")
            #expect(router.log.contains("unknown directive \"ech\" (did you mean \"echo\"?) in \(router.configPath):2"),
                    "log:\n\(router.logTail())")
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try expectEcho(fd, "alive")
        }

        /// A listener that disappears from the configuration is closed by the reload.
        @Test func reload_removedListenerCloses() throws {
            let kept = try TCP.freePort(), removed = try TCP.freePort()
            let router = try SwitchyardProcess(config: { streamConfig($0, """
                    server { listen 127.0.0.1:\(kept); echo; }
                    server { listen 127.0.0.1:\(removed); echo; }
                """) }, waitForPorts: [kept, removed])
            defer { router.stop() }

            _ = try router.directory.write("switchyard.conf", streamConfig(router.directory, """
                    server { listen 127.0.0.1:\(kept); echo; }
                """))
            router.signal(SIGHUP)
            #expect(waitUntil(timeout: 5) { !Listeners.isListening(port: removed) }, "log:\n\(router.logTail())")
            #expect(TCP.tryConnect(port: removed, timeout: 1) == .refused)
            let fd = try TCP.connect(port: kept)
            defer { TCP.close(fd) }
            try expectEcho(fd, "kept")
        }
    }
}
