import Testing
import TestSupport

extension Integration {
    /// `proxy_redirect`: by default the proxy_pass URL at the start of an upstream's Location
    /// becomes the location's prefix; `off` passes Location as the upstream sent it.
    @Suite struct HTTPProxyRedirectTests {
        /// A backend that redirects `/two/next` to `http://app/two/next`, and anything else to
        /// `http://elsewhere.test/x`, with 302.
        static func redirectingBackend() throws -> RecordingHTTPBackend {
            try RecordingHTTPBackend { request in
                let location = request.target == "/two/next" ? "http://app/two/next" : "http://elsewhere.test/x"
                return .response(302, reason: "Found", headers: ["Location: \(location)"], body: "moved\n")
            }
        }

        /// `location /one/ { proxy_pass http://app/two/; }` (proxy_redirect default): the
        /// upstream's `Location: http://app/two/next` reaches the client as
        /// `Location: /one/next`; a Location elsewhere is left alone; the body comes through.
        @Test func http_proxyRedirectDefault() throws {
            let backend = try Self.redirectingBackend()
            let (router, port) = try startHTTPServer([
                location("/one/", ["proxy_pass http://app/two/;"] + proxyTimeouts()),
            ], preamble: "upstream app { server 127.0.0.1:\(backend.port); }")
            defer { router.stop(); backend.stop() }

            let rewritten = try HTTPClient.exchange(port: port, HTTPClient.request("/one/next"))
            #expect(rewritten.status == 302, "\(rewritten); log:\n\(router.logTail())")
            expectField("Location", "/one/next", in: rewritten.head, "client")
            #expect(rewritten.text == "moved\n", "\(rewritten)")

            let elsewhere = try HTTPClient.exchange(port: port, HTTPClient.request("/one/other"))
            #expect(elsewhere.status == 302, "\(elsewhere); log:\n\(router.logTail())")
            expectField("Location", "http://elsewhere.test/x", in: elsewhere.head, "client")

            let requests = try #require(backend.waitForRequests(2), "log:\n\(router.logTail())")
            #expect(requests.map(\.requestLine).sorted() == ["GET /two/next HTTP/1.0", "GET /two/other HTTP/1.0"], "\(requests)")
        }

        /// `proxy_redirect off`: the upstream's `Location: http://app/two/next` reaches the
        /// client unchanged.
        @Test func http_proxyRedirectOff() throws {
            let backend = try Self.redirectingBackend()
            let (router, port) = try startHTTPServer([
                location("/one/", ["proxy_pass http://app/two/;", "proxy_redirect off;"] + proxyTimeouts()),
            ], preamble: "upstream app { server 127.0.0.1:\(backend.port); }")
            defer { router.stop(); backend.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/one/next"))
            #expect(response.status == 302, "\(response); log:\n\(router.logTail())")
            expectField("Location", "http://app/two/next", in: response.head, "client")
        }
    }
}
