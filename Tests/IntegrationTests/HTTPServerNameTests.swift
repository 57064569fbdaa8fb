import Testing
import TestSupport

extension Integration {
    /// Server selection by Host on one port, as nginx does it: exact names, then the longest
    /// leading wildcard, then the longest trailing wildcard, then regexes in order, else the
    /// `default_server` (not the first server) of the port.
    @Suite struct HTTPServerNameTests {
        /// Five servers on one port, each answering its name with `return 200`: `a.test`
        /// (first, so the default only if none is marked), `*.b.test`, `www.c.*`,
        /// `~^(?<sub>[a-z]+)\.d\.test$` (answering `d $sub`), and `_` marked `default_server`
        /// last.
        static func startNamedServers() throws -> HTTPRouter {
            let port = try TCP.freePort()
            func server(_ listen: String, _ name: String, _ answer: String) -> String {
                """
                server {
                    listen 127.0.0.1:\(port)\(listen);
                    server_name \(name);
                    return 200 "\(answer)";
                }
                """
            }
            let http = [
                server("", "a.test", "a"),
                server("", "*.b.test", "b"),
                server("", "www.c.*", "c"),
                server("", "\"~^(?<sub>[a-z]+)\\.d\\.test$\"", "d $sub"),
                server(" default_server", "_", "default"),
            ].joined(separator: "\n")
            let router = try SwitchyardProcess(config: { httpConfig($0, http) }, waitForPorts: [port])
            return (router, port)
        }

        /// Host `a.test` (any case, with a port) reaches `a.test`; `x.b.test` and `y.x.b.test`
        /// reach `*.b.test`, but `b.test` itself does not; `www.c.example` reaches `www.c.*`;
        /// `sub.d.test` reaches the regex with its capture; `unknown`, an HTTP/1.0 request
        /// without Host, and an IP reach the default_server.
        @Test func http_serverNameSelection() throws {
            let (router, port) = try Self.startNamedServers()
            defer { router.stop() }

            let cases: [(host: String?, expected: String)] = [
                ("a.test", "a"),
                ("A.Test:\(port)", "a"),
                ("x.b.test", "b"),
                ("y.x.b.test", "b"),
                ("b.test", "default"),
                ("www.c.example", "c"),
                ("shop.d.test", "d shop"),
                ("unknown", "default"),
                ("127.0.0.1:\(port)", "default"),
            ]
            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for (host, expected) in cases {
                try connection.send(HTTPClient.request("/", host: host))
                let response = try #require(try connection.readResponse(), "Host \(host ?? "-"): no response; log:\n\(router.logTail())")
                #expect(response.status == 200, "Host \(host ?? "-"): \(response); log:\n\(router.logTail())")
                #expect(response.text == expected, "Host \(host ?? "-"): \(response)")
            }
            let legacy = try HTTPClient.exchange(port: port, "GET / HTTP/1.0\r\n\r\n")
            #expect(legacy.text == "default", "HTTP/1.0 without Host: \(legacy)")
        }

        /// curl with `--resolve` as a real client: `a.test` and `x.b.test` on the router's
        /// port get their own servers, `unknown.test` the default_server.
        @Test(.enabled(if: Curl.isAvailable, "needs \(Curl.path)"))
        func http_curlServerNameSelection() throws {
            let (router, port) = try Self.startNamedServers()
            defer { router.stop() }

            for (host, expected) in [("a.test", "a"), ("x.b.test", "b"), ("unknown.test", "default")] {
                let output = try curl("--resolve", "\(host):\(port):127.0.0.1", "http://\(host):\(port)/", router: router)
                #expect(output.code == 200, "\(host): \(output)")
                #expect(output.body == expected, "\(host): \(output)")
            }
        }
    }
}
