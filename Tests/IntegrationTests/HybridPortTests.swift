import Glibc
import Testing
import TestSupport

extension Integration {
    /// One address in an http server and a stream server: each connection's first bytes
    /// decide where it goes.
    @Suite struct HybridPortTests {
        /// A router whose port `port` is in `http { server { return 200 "http here" } }` and
        /// in `stream { server { <streamDirectives> } }`.
        static func startHybrid(_ streamDirectives: String) throws -> HTTPRouter {
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(config: { directory in
                httpConfig(directory, """
                    server { listen 127.0.0.1:\(port); location / { return 200 "http here\\n"; } }
                    }
                    stream {
                    server { listen 127.0.0.1:\(port); \(streamDirectives) }
                    """)
            }, waitForPorts: [port])
            return (router, port)
        }

        /// HTTP requests reach the http server, with keep-alive, while raw bytes on the same
        /// port reach the stream server's echo.
        @Test func hybrid_httpAndTCPOnOnePort() throws {
            let (router, port) = try Self.startHybrid("echo;")
            defer { router.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for path in ["/a", "/b"] {
                try connection.send(HTTPClient.request(path))
                let response = try #require(try connection.readResponse(), "no response; log:\n\(router.logTail())")
                #expect(response.status == 200 && response.text == "http here\n", "\(response)")
            }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try expectEcho(fd, "SSH-2.0-OpenSSH_9.6\r\n")
            // A TLS ClientHello's record header goes to the stream server too (no ssl in http).
            let tls = try TCP.connect(port: port)
            defer { TCP.close(tls) }
            let hello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03]
            try TCP.sendAll(tls, hello, deadline: Deadline(seconds: 5))
            #expect(try TCP.receiveExactly(tls, count: hello.count, deadline: Deadline(seconds: 5)) == hello)
        }

        /// A client that sends nothing is a server-speaks-first protocol: after the short
        /// default wait (1 s, not nginx's 30 s preread) it is joined to the stream upstream,
        /// whose banner it then receives.
        @Test func hybrid_silentClientGoesToStreamAfterWait() throws {
            let banner = Array("220 mail.test ESMTP ready\r\n".utf8)
            let smtp = try ThreadedServer { fd in
                try? TCP.sendAll(fd, banner, deadline: Deadline(seconds: 5))
                _ = TCP.waitForEnd(fd, deadline: Deadline(seconds: 10))
            }
            defer { smtp.stop() }
            let (router, port) = try Self.startHybrid("proxy_pass 127.0.0.1:\(smtp.port);")
            defer { router.stop() }

            let started = MonotonicTime.now()
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let got = try TCP.receiveExactly(fd, count: banner.count, deadline: Deadline(seconds: 5))
            let elapsed = MonotonicTime.now() - started
            #expect(got == banner, "log:\n\(router.logTail())")
            #expect(elapsed >= 0.8 && elapsed < 3, "banner after \(elapsed) s")
        }

        /// `preread_timeout` written in the stream server sets the wait.
        @Test func hybrid_prereadTimeoutSetsTheWait() throws {
            let (router, port) = try Self.startHybrid("echo; preread_timeout 200ms;")
            defer { router.stop() }
            let started = MonotonicTime.now()
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            // Wait past the 200 ms: the connection is the stream server's by now, so even an
            // HTTP request line is echoed rather than answered.
            usleep(600_000)
            let request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            try expectEcho(fd, request)
            #expect(MonotonicTime.now() - started < 3)
        }

        /// `-t` explains each hybrid port: where HTTP goes, where everything else goes, and
        /// how long a silent client is waited for.
        @Test func hybrid_testExplainsThePort() throws {
            let directory = try TempDirectory()
            defer { directory.remove() }
            let config = try directory.write("switchyard.conf", """
                http { server { listen 127.0.0.1:18555; return 200; } }
                stream { server { listen 127.0.0.1:18555; echo; } }
                """)
            let result = try SwitchyardProcess.run(["-t", "-c", config])
            #expect(result.status == .exited(0), "\(result)")
            #expect(result.stderr.contains("hybrid port 127.0.0.1:18555: HTTP/1.x requests go to the http server(s)"), "\(result)")
            #expect(result.stderr.contains("silent for 1000ms go to the stream server (\(config):2)"), "\(result)")
        }
    }
}
