import Testing
import TestSupport

extension Integration {
    /// `proxy_next_upstream` with response statuses: an answer listed there, with nothing
    /// sent to the client yet, is dropped and the next server asked.
    @Suite struct HTTPNextUpstreamTests {
        static let unavailable = Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy".utf8)
        static let fine = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)

        /// With `http_503` listed, a 503 from the first server becomes the second server's 200.
        @Test func http_nextUpstreamOn503() throws {
            let busy = try RecordingHTTPBackend { _ in .sendAndClose(Self.unavailable) }
            let good = try RecordingHTTPBackend { _ in .sendAndClose(Self.fine) }
            defer { busy.stop(); good.stop() }
            let (router, port) = try startHTTPServer(
                [location("/", ["proxy_pass http://pair;", "proxy_next_upstream error timeout http_503;"])],
                preamble: "upstream pair { server 127.0.0.1:\(busy.port); server 127.0.0.1:\(good.port); }")
            defer { router.stop() }

            for attempt in 0..<4 {
                let response = try HTTPClient.exchange(port: port, HTTPClient.request("/x\(attempt)"))
                #expect(response.status == 200 && response.text == "ok", "attempt \(attempt): \(response); log:\n\(router.logTail())")
            }
            #expect(good.requests.count == 4)
        }

        /// Without `http_503`, the 503 is the answer, as nginx passes it.
        @Test func http_noNextUpstreamWithoutCondition() throws {
            let busy = try RecordingHTTPBackend { _ in .sendAndClose(Self.unavailable) }
            defer { busy.stop() }
            let (router, port) = try startHTTPServer(
                [location("/", ["proxy_pass http://127.0.0.1:\(busy.port);"])])
            defer { router.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/x"))
            #expect(response.status == 503 && response.text == "busy", "\(response); log:\n\(router.logTail())")
        }

        /// When every server answers a listed status, the last answer reaches the client.
        @Test func http_lastAnswerWhenAllFail() throws {
            let first = try RecordingHTTPBackend { _ in .sendAndClose(Self.unavailable) }
            let second = try RecordingHTTPBackend { _ in .sendAndClose(Self.unavailable) }
            defer { first.stop(); second.stop() }
            let (router, port) = try startHTTPServer(
                [location("/", ["proxy_pass http://pair;", "proxy_next_upstream http_503;"])],
                preamble: "upstream pair { server 127.0.0.1:\(first.port); server 127.0.0.1:\(second.port); }")
            defer { router.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/x"))
            #expect(response.status == 503 && response.text == "busy", "\(response); log:\n\(router.logTail())")
            #expect(first.requests.count + second.requests.count == 2, "each server asked once")
        }
    }
}
