import Testing
import TestSupport

extension Integration {
    /// What the router does with a request body before the upstream sees it:
    /// `client_max_body_size` counted over a chunked body, and `proxy_pass_request_body off`.
    @Suite struct HTTPRequestBodyPolicyTests {
        /// `client_max_body_size 10` with a chunked body of 5 + 6 bytes: the client gets 413
        /// with `Connection: close` and then EOF, and no request reaches the backend whole; a
        /// chunked body of exactly 10 bytes is proxied.
        @Test func http_chunkedBodyOverMaxSize413() throws {
            let backend = try RecordingHTTPBackend { request in .response(body: "got \(request.bodyText)") }
            let (router, port) = try startHTTPProxy(to: backend.port, ["client_max_body_size 10;"])
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(HTTPClient.request("POST", "/app/big", headers: ["Transfer-Encoding: chunked"]))
            try connection.send(HTTPFraming.chunked(["hello", "world!"]))
            let refused = try #require(try connection.readResponse(), "no response; log:\n\(router.logTail())")
            #expect(refused.status == 413, "\(refused); log:\n\(router.logTail())")
            expectField("Connection", "close", in: refused.head, "client")
            let end = connection.waitForEnd(timeout: 3)
            #expect(end.end == .eof || end.end == .reset, "after the 413: \(end.end), extra \(end.extra.visible)")
            #expect(end.extra.isEmpty, "after the 413: \(end.extra.visible)")
            #expect(!backend.requests.contains { $0.complete }, "backend got \(backend.requests)")
            #expect(backend.replyCount == 0)

            let accepted = try HTTPClient.exchange(port: port, HTTPClient.request("POST", "/app/fits", headers: ["Transfer-Encoding: chunked"])
                + String(decoding: HTTPFraming.chunked(["hello", "world"]), as: UTF8.self))
            #expect(accepted.status == 200, "\(accepted); log:\n\(router.logTail())")
            #expect(accepted.text == "got helloworld", "\(accepted)")
        }

        /// `proxy_pass_request_body off`: a Content-Length POST, a chunked POST and a GET
        /// written at once are answered in order; the backend gets three heads with neither
        /// Content-Length nor Transfer-Encoding and no body bytes, so neither body was taken
        /// for a request.
        @Test func http_passRequestBodyOff() throws {
            let backend = try RecordingHTTPBackend { request in .response(body: "\(request.method) \(request.target)") }
            let (router, port) = try startHTTPProxy(to: backend.port, ["proxy_pass_request_body off;"])
            defer { router.stop(); backend.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            // Each body is itself a request: taken for one, it would reach the backend.
            let inner = "GET /app/cl-smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n"
            try connection.send(HTTPClient.request("POST", "/app/cl", headers: ["Content-Length: \(inner.utf8.count)"], body: inner)
                + HTTPClient.request("POST", "/app/chunked", headers: ["Transfer-Encoding: chunked"])
                + String(decoding: HTTPFraming.chunked(["GET /app/chunk-smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n"]), as: UTF8.self)
                + HTTPClient.request("/app/last"))
            var bodies: [String] = []
            for index in 0..<3 {
                let response = try #require(try connection.readResponse(), "response \(index) missing after \(bodies); log:\n\(router.logTail())")
                #expect(response.status == 200, "response \(index): \(response)")
                bodies.append(response.text)
            }
            #expect(bodies == ["POST /cl", "POST /chunked", "GET /last"])

            let requests = try #require(backend.waitForRequests(3), "log:\n\(router.logTail())")
            #expect(requests.count == 3, "\(requests)")
            for request in requests {
                expectAbsent(["Content-Length", "Transfer-Encoding"], in: request.head, "upstream for \(request.target)")
                #expect(request.body.isEmpty, "\(request)")
            }
            #expect(!backend.allBytesReceived.contains(bytes: Array("smuggled".utf8)), "backend got \(backend.allBytesReceived.visible)")
        }
    }
}
