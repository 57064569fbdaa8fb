import Testing
import TestSupport

extension Integration {
    /// The built-in `echo;` upstream, alone and behind a proxy (the shipped default's shape).
    @Suite struct EchoTests {
        /// A stream server with `echo;` returns every byte (4 MiB, sent while reading) and
        /// closes after the client's EOF.
        @Test func echo_builtinAnswers() throws {
            let (router, port) = try startBuiltinEcho()
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try expectEcho(fd, "hello, echo")
            try expectEchoRoundTrip(fd, total: 4 * MiB, seed: 11, within: 30, router: router)
        }

        /// The shipped shape: a proxy (`proxy_half_close on`) in front of the built-in echo
        /// on another port of the same process carries 8 MiB each way and ends with EOF.
        @Test func echo_proxyInFrontOfBuiltin() throws {
            let proxyPort = try TCP.freePort()
            let echoPort = try TCP.freePort()
            let router = try SwitchyardProcess(config: { streamConfig($0, """
                    upstream echo_backend {
                        server 127.0.0.1:\(echoPort);
                    }
                    server {
                        listen 127.0.0.1:\(proxyPort);
                        proxy_pass echo_backend;
                        proxy_connect_timeout 5s;
                        proxy_timeout 10m;
                        proxy_half_close on;
                    }
                    server {
                        listen 127.0.0.1:\(echoPort);
                        echo;
                    }
                """) }, waitForPorts: [proxyPort, echoPort])
            defer { router.stop() }

            let fd = try TCP.connect(port: proxyPort)
            defer { TCP.close(fd) }
            try expectEcho(fd, "hello through switchyard\n")
            try expectEchoRoundTrip(fd, total: 8 * MiB, seed: 12, within: 30, router: router)

            let summary = try router.stopCleanly()
            #expect(summary.sessions >= 1, "\(summary)")
        }
    }
}
