import Glibc
import Testing
import TestSupport

extension Integration {
    /// Running out of resources slows the router down; it never spins, crashes or drops
    /// what is established.
    @Suite struct ResourceTests {
        /// Out of descriptors (a tiny `worker_rlimit_nofile`): accept pauses instead of
        /// spinning on EMFILE, the condition is logged once, established sessions keep
        /// working, and new clients are served once descriptors come back.
        @Test func limits_emfilePausesAcceptAndRecovers() throws {
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(config: { directory in
                """
                worker_processes 1;
                worker_rlimit_nofile 32;
                error_log stderr info;
                pid \(directory.file("switchyard.pid"));
                stream { server { listen 127.0.0.1:\(port); echo; } }
                """
            }, waitForPorts: [port])
            defer { router.stop() }

            var clients: [Int32] = []
            defer { for fd in clients { TCP.close(fd) } }
            for _ in 0..<60 {
                guard case .connected(let fd) = TCP.tryConnect(port: port, timeout: 1) else { break }
                clients.append(fd)
            }
            #expect(clients.count == 60, "the kernel completes handshakes into the backlog")
            let exhausted = waitUntil(timeout: 5) { router.log.contains("Too many open files") }
            #expect(exhausted, "log:\n\(router.logTail())")

            // While exhausted, the router sleeps between retries instead of spinning.
            let ticksUsed = ProcessStats.ticksUsed(by: router.pid) { usleep(1_000_000) }
            #expect(ticksUsed < ProcessStats.ticksPerSecond / 2, "used \(ticksUsed) ticks in 1 s while out of descriptors")
            #expect(router.log.components(separatedBy: "Too many open files").count - 1 == 1, "logged once; log:\n\(router.logTail())")

            // The first clients were accepted and still echo.
            try expectEcho(clients[0], "established")

            for fd in clients { TCP.close(fd) }
            clients.removeAll()
            let fresh = try TCP.connect(port: port)
            defer { TCP.close(fresh) }
            try expectEcho(fresh, "recovered", timeout: 5)
            #expect(router.exitStatus == nil, "still running")
        }

        /// A listen address another process holds is refused at start, naming the
        /// directive, with nginx's bind() message and exit status 1.
        @Test func limits_bindConflictNamesDirective() throws {
            let holder = try TCP.listen()
            defer { TCP.close(holder.fd) }
            let directory = try TempDirectory()
            defer { directory.remove() }
            let config = try directory.write("switchyard.conf", """
                worker_processes 1;
                stream {
                    server {
                        listen 127.0.0.1:\(holder.port);
                        echo;
                    }
                }
                """)
            let result = try SwitchyardProcess.run(["-c", config])
            #expect(result.status == .exited(1), "\(result)")
            #expect(result.stderr.contains(
                "switchyard: [emerg] bind() to 127.0.0.1:\(holder.port) failed (98: Address already in use) in \(config):4"),
                "\(result)")
        }
    }
}
