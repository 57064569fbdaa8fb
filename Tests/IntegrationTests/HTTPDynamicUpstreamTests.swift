import Glibc
import Testing
import TestSupport

extension Integration {
    /// `proxy_pass http://$var...` (the upstream chosen per request, usually by a `map`) and
    /// the `$upstream_*` variables listing every server a request tried.
    @Suite struct HTTPDynamicUpstreamTests {
        @Test func mapChoosesTheUpstreamBlock() throws {
            let a = try RecordingHTTPBackend { _ in .response(body: "a") }
            let b = try RecordingHTTPBackend { _ in .response(body: "b") }
            defer { a.stop(); b.stop() }
            let (router, port) = try startHTTPServer(
                [location("/", ["proxy_pass http://$pool;"] + proxyTimeouts(read: "5s"))],
                preamble: """
                    map $arg_pool $pool { b Pool_B; default pool_a; }
                    upstream pool_a { server 127.0.0.1:\(a.port); }
                    upstream pool_b { server 127.0.0.1:\(b.port); }
                    """)
            defer { router.stop() }

            #expect(try HTTPClient.exchange(port: port, HTTPClient.request("/x?pool=b")).text == "b", "log:\n\(router.logTail())")
            #expect(try HTTPClient.exchange(port: port, HTTPClient.request("/x")).text == "a")
            // No URI part: the request URI goes as the client sent it.
            #expect(try onlyRequest(b, router).target == "/x?pool=b")
        }

        /// An address with a URI part: the evaluated URI replaces the request URI whole, and
        /// `$proxy_host` (the default Host) is the evaluated host.
        @Test func addressAndURIFromVariables() throws {
            let backend = try RecordingHTTPBackend()
            defer { backend.stop() }
            let (router, port) = try startHTTPServer(
                [location("/", ["proxy_pass http://127.0.0.1:$arg_p/fixed/$arg_q;"] + proxyTimeouts(read: "5s"))])
            defer { router.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/orig?p=\(backend.port)&q=doc"))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
            let request = try onlyRequest(backend, router)
            #expect(request.target == "/fixed/doc")
            #expect(request.head.value("host") == "127.0.0.1:\(backend.port)")
        }

        /// A value that is neither an upstream block nor an IP address is a 502 at once, with
        /// an error line naming it; nothing is resolved on the loop.
        @Test func unknownNameIsA502() throws {
            let (router, port) = try startHTTPServer(
                [location("/", ["proxy_pass http://$arg_to;"] + proxyTimeouts(read: "5s"))])
            defer { router.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/?to=nowhere.example"))
            #expect(response.status == 502)
            #expect(waitUntil(timeout: 5) {
                router.log.contains("\"nowhere.example\" from \"$arg_to\" is neither an upstream nor an IP address")
            }, "log:\n\(router.logTail())")
        }

        /// `$upstream_addr` and `$upstream_status` list each server tried, comma-separated.
        @Test func upstreamVariablesListEveryTry() throws {
            let closed = try TCP.freePort()
            let busy = try RecordingHTTPBackend { _ in .response(503, reason: "Busy", body: "busy") }
            let good = try RecordingHTTPBackend()
            defer { busy.stop(); good.stop() }
            let (router, port) = try startHTTPServer(
                [location("/", ["proxy_pass http://app;", "proxy_next_upstream error timeout http_503;",
                                "add_header X-Up \"$upstream_addr|$upstream_status\" always;"] + proxyTimeouts(read: "5s"))],
                preamble: """
                    upstream app {
                        server 127.0.0.1:\(closed);
                        server 127.0.0.1:\(busy.port);
                        server 127.0.0.1:\(good.port);
                    }
                    """)
            defer { router.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/v"))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
            #expect(response.head.value("x-up")
                        == "127.0.0.1:\(closed), 127.0.0.1:\(busy.port), 127.0.0.1:\(good.port)|502, 503, 200",
                    "\(response)")
        }
    }
}
