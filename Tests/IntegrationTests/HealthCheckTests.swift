import Glibc
import Synchronization
import Testing
import TestSupport

extension Integration {
    /// `health_check` end to end: one prober for every worker, a hung or closed server taken
    /// out of rotation and brought back, each change logged once, 502 at once when nothing is
    /// left. Timing bounds are seconds wide: they prove "within a few intervals", not speed.
    @Suite struct HealthCheckTests {
        /// An HTTP backend that answers with its name, or hangs (accepts, reads, never answers)
        /// while `hung` is set. Probes ask for `/health`; proxied requests come as `/app/...`.
        final class SwitchableBackend: Sendable {
            let name: String
            let backend: RecordingHTTPBackend
            private let state: State

            private final class State: Sendable {
                let hung = Atomic<Bool>(false)
            }

            init(_ name: String) throws {
                let state = State()
                self.name = name
                self.state = state
                backend = try RecordingHTTPBackend(timeout: 30) { _ in
                    state.hung.load(ordering: .acquiring) ? .silence : .response(body: name)
                }
            }

            var port: UInt16 { backend.port }
            var hung: Bool {
                get { state.hung.load(ordering: .acquiring) }
                set { state.hung.store(newValue, ordering: .releasing) }
            }
            var probes: [RecordedRequest] { backend.requests.filter { $0.target == "/health" } }
            var proxied: Int { backend.requests.count { $0.target != "/health" } }
            func stop() { backend.stop() }
        }

        /// The whole config: `workers` loop threads, `upstream app` of `backends` with
        /// `check`, and a server on `port` proxying `/app/` to it (read timeout 5 s, so a
        /// request that met a hung server would take 5 s and end in 504).
        static func config(_ directory: TempDirectory, port: UInt16, backends: [SwitchableBackend], check: String,
                           workers: Int) -> String {
            """
            worker_processes \(workers);
            error_log stderr info;
            pid \(directory.file("switchyard.pid"));
            events { worker_connections 1024; }
            http {
                upstream app {
            \(backends.map { "        server 127.0.0.1:\($0.port);" }.joined(separator: "\n"))
                    \(check)
                }
                server {
                    listen 127.0.0.1:\(port);
                    location /app/ {
                        proxy_pass http://app;
                        proxy_connect_timeout 500ms;
                        proxy_read_timeout 5s;
                    }
                }
            }

            """
        }

        static func start(_ backends: [SwitchableBackend], check: String, workers: Int = 2) throws -> HTTPRouter {
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(
                config: { config($0, port: port, backends: backends, check: check, workers: workers) }, waitForPorts: [port])
            return (router, port)
        }

        /// Lines of the router's log that contain `text`.
        static func lines(_ router: SwitchyardProcess, containing text: String) -> [Substring] {
            router.log.split(separator: "\n").filter { $0.contains(text) }
        }

        static func subject(_ backend: SwitchableBackend) -> String {
            "upstream server 127.0.0.1:\(backend.port) of upstream \"app\""
        }

        /// `count` requests to `/app/N`, each answered within 2 s; the names that answered.
        static func answers(_ count: Int, port: UInt16, router: SwitchyardProcess) throws -> [String] {
            try (0..<count).map { index in
                let started = MonotonicTime.now()
                let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/\(index)"), timeout: 6)
                #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
                #expect(MonotonicTime.now() - started < 2, "request \(index) took \(MonotonicTime.now() - started) s")
                return response.text
            }
        }

        /// A hung server (accepts, never answers) is marked down after `fails` timed-out
        /// probes, within a few seconds, logged once at warn; no request reaches it then, in
        /// either worker. Healed, it comes back after `passes` good probes, logged once, and
        /// gets requests again.
        @Test func hungServerGoesDownAndComesBack() throws {
            let a = try SwitchableBackend("a"), b = try SwitchableBackend("b")
            defer { a.stop(); b.stop() }
            let (router, port) = try Self.start(
                [a, b], check: "health_check interval=200ms fails=2 passes=2 timeout=150ms uri=/health;")
            defer { router.stop() }

            #expect(Set(try Self.answers(6, port: port, router: router)) == ["a", "b"])

            a.hung = true
            let hungAt = MonotonicTime.now()
            let down = "\(Self.subject(a)) is unhealthy: timed out (health_check)"
            #expect(waitUntil(timeout: 5) { router.log.contains(down) }, "log:\n\(router.logTail())")
            let elapsed = MonotonicTime.now() - hungAt
            #expect(elapsed < 4, "marked down after \(elapsed) s (interval*fails is 0.4 s)")
            let proxiedBefore = a.proxied
            #expect(try Self.answers(12, port: port, router: router).allSatisfy { $0 == "b" })
            #expect(a.proxied == proxiedBefore, "a request reached the hung server")
            let downLines = Self.lines(router, containing: down)
            #expect(downLines.count == 1 && downLines[0].contains("[warn]"), "\(downLines)")

            a.hung = false
            let up = "\(Self.subject(a)) is healthy again (health_check)"
            #expect(waitUntil(timeout: 5) { router.log.contains(up) }, "log:\n\(router.logTail())")
            #expect(Set(try Self.answers(8, port: port, router: router)) == ["a", "b"])
            MonotonicTime.sleep(0.5)  // more probes, which must not log again
            #expect(Self.lines(router, containing: up).count == 1, "log:\n\(router.logTail())")
            #expect(Self.lines(router, containing: down).count == 1, "log:\n\(router.logTail())")
        }

        /// Probes come from one place: over two seconds, four workers together send about one
        /// probe per interval (one prober), not four. Each is `GET uri HTTP/1.1` with the server
        /// as written in `Host` and `Connection: close`.
        @Test func probesComeFromOnePlace() throws {
            let a = try SwitchableBackend("a")
            defer { a.stop() }
            let (router, _) = try Self.start(
                [a], check: "health_check interval=200ms uri=/health;", workers: 4)
            defer { router.stop() }

            #expect(waitUntil(timeout: 5) { !a.probes.isEmpty }, "no probe arrived; log:\n\(router.logTail())")
            let before = a.probes.count
            let started = MonotonicTime.now()
            MonotonicTime.sleep(2)
            let window = MonotonicTime.now() - started
            let probes = a.probes.count - before
            let oneProber = window / 0.2
            #expect(probes >= 2, "\(probes) probes in \(window) s")
            #expect(Double(probes) <= 1.5 * oneProber + 1, "\(probes) probes in \(window) s: more than one prober")

            let probe = try #require(a.probes.first)
            #expect(probe.requestLine == "GET /health HTTP/1.1")
            #expect(probe.head.value("host") == "127.0.0.1:\(a.port)")
            #expect(probe.head.value("connection") == "close")
            #expect(router.log.contains("health checks: 1 server(s) of 1 upstream(s)"), "log:\n\(router.logTail())")
        }

        /// Every server unhealthy: a request fails at once with 502 ("no live upstreams"),
        /// never waiting on a hung server.
        @Test func allDownIsAnImmediate502() throws {
            let a = try SwitchableBackend("a"), b = try SwitchableBackend("b")
            defer { a.stop(); b.stop() }
            a.hung = true
            b.hung = true
            let (router, port) = try Self.start([a, b], check: "health_check interval=200ms timeout=100ms uri=/health;")
            defer { router.stop() }

            #expect(waitUntil(timeout: 5) { Self.lines(router, containing: "is unhealthy: timed out").count == 2 },
                    "log:\n\(router.logTail())")
            for index in 0..<4 {
                let started = MonotonicTime.now()
                let response = try HTTPClient.exchange(port: port, HTTPClient.request("/app/\(index)"), timeout: 6)
                let elapsed = MonotonicTime.now() - started
                #expect(response.status == 502, "\(response); log:\n\(router.logTail())")
                #expect(elapsed < 2, "the 502 took \(elapsed) s")
            }
            #expect(a.proxied == 0 && b.proxied == 0)
            #expect(router.log.contains("no live upstreams"), "log:\n\(router.logTail())")
        }

        /// A reload starts a new prober and stops the old one: a server found unhealthy stays
        /// out of the new configuration's rotation, probes keep one prober's rate, and the
        /// server comes back under the new prober.
        @Test func reloadReplacesTheProber() throws {
            let a = try SwitchableBackend("a"), b = try SwitchableBackend("b")
            defer { a.stop(); b.stop() }
            let check = "health_check interval=200ms fails=1 timeout=150ms uri=/health;"
            let (router, port) = try Self.start([a, b], check: check)
            defer { router.stop() }

            a.hung = true
            let down = "\(Self.subject(a)) is unhealthy"
            #expect(waitUntil(timeout: 5) { router.log.contains(down) }, "log:\n\(router.logTail())")

            _ = try router.directory.write("switchyard.conf", Self.config(router.directory, port: port, backends: [a, b],
                                                                        check: check, workers: 2))
            router.signal(SIGHUP)
            #expect(waitUntil(timeout: 5) { router.log.contains("reconfigured") }, "log:\n\(router.logTail())")
            #expect(try Self.answers(8, port: port, router: router).allSatisfy { $0 == "b" })
            #expect(a.proxied == 0, "a request reached the hung server after the reload")

            let before = b.probes.count
            let started = MonotonicTime.now()
            MonotonicTime.sleep(2)
            let probes = b.probes.count - before
            let oneProber = (MonotonicTime.now() - started) / 0.2
            #expect(Double(probes) <= 1.5 * oneProber + 1, "\(probes) probes: the old prober still runs")

            a.hung = false
            #expect(waitUntil(timeout: 5) { router.log.contains("\(Self.subject(a)) is healthy again") },
                    "log:\n\(router.logTail())")
            #expect(Self.lines(router, containing: down).count == 1, "log:\n\(router.logTail())")
        }

        /// A stream upstream with type=tcp: a closed port is marked down (connect refused), so
        /// even with `proxy_next_upstream off` every connection reaches the live server; when
        /// the port listens again, the server is healthy again.
        @Test func streamTCPCheckMarksClosedPortDown() throws {
            let echo = try EchoServer()
            defer { echo.stop() }
            let closed = try TCP.freePort()
            let preamble = upstreamGroup("group", ports: [closed, echo.port])
                .replacingLast("}", with: "    health_check interval=200ms type=tcp;\n}")
            let (router, port) = try startStreamServer(["proxy_pass group;", "proxy_next_upstream off;"],
                                                       preamble: preamble, workers: 2)
            defer { router.stop() }

            let subject = "upstream server 127.0.0.1:\(closed) of upstream \"group\""
            let refused = "\(subject) is unhealthy: connect() failed (111: Connection refused) (health_check)"
            #expect(waitUntil(timeout: 5) { router.log.contains(refused) }, "log:\n\(router.logTail())")
            for attempt in 0..<8 {
                let fd = try TCP.connect(port: port)
                defer { TCP.close(fd) }
                try expectEcho(fd, "healthy only \(attempt)", "attempt \(attempt); log:\n\(router.logTail())")
            }

            let (listener, _) = try TCP.listen(port: closed)
            defer { TCP.close(listener) }
            #expect(waitUntil(timeout: 5) { router.log.contains("\(subject) is healthy again (health_check)") },
                    "log:\n\(router.logTail())")
        }
    }
}

extension String {
    /// The text with its last `target` replaced, for adding a line at the end of a block.
    fileprivate func replacingLast(_ target: Character, with replacement: String) -> String {
        guard let index = lastIndex(of: target) else { return self }
        return String(self[..<index]) + replacement + String(self[index...].dropFirst())
    }
}
