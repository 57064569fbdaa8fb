import SwitchyardWire
import Testing
@testable import SwitchyardCore

private func parseRequest(_ text: String, _ body: (RequestHead, UnsafeRawBufferPointer) -> Void) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { buffer in
        var parser = HTTPRequestHeadParser()
        guard case .complete(let head, _) = parser.parse(buffer) else {
            Issue.record("fixture did not parse: \(text.debugDescription)")
            return
        }
        body(head, buffer)
    }
}

private func parseResponse(_ text: String, _ body: (ResponseHead, UnsafeRawBufferPointer) -> Void) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { buffer in
        var parser = HTTPResponseHeadParser()
        guard case .complete(let head, _) = parser.parse(buffer) else {
            Issue.record("fixture did not parse: \(text.debugDescription)")
            return
        }
        body(head, buffer)
    }
}

private func field(_ name: String, _ value: String) -> (name: [UInt8], value: [UInt8]) {
    (Array(name.utf8), Array(value.utf8))
}

struct RequestHeadBuilderTests {
    /// nginx's defaults (Host $proxy_host, Connection close) come first; hop-by-hop fields,
    /// the fields Connection names, Proxy-Connection and Expect never reach the upstream.
    @Test func removesHopByHopAndAppliesSetFields() {
        let request = "GET /chat?room=1 HTTP/1.1\r\nHost: example.org\r\nConnection: keep-alive, X-Secret\r\n"
            + "X-Secret: 42\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
            + "Upgrade: websocket\r\nAccept: */*\r\n\r\n"
        parseRequest(request) { head, buffer in
            let plan = UpstreamRequestPlan(uri: Array("/chat?room=1".utf8), version: .http1_0,
                                           setFields: [field("Host", "backend"), field("Connection", "close")])
            var out: [UInt8] = []
            RequestHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
            #expect(String(decoding: out, as: UTF8.self)
                == "GET /chat?room=1 HTTP/1.0\r\nHost: backend\r\nConnection: close\r\nAccept: */*\r\n\r\n")
        }
    }

    /// Upgrade crosses only when proxy_set_header puts it back (the WebSocket idiom); an
    /// empty proxy_set_header value removes a client's field.
    @Test func upgradeOnlyWhenSetAndEmptyValueRemoves() {
        let request = "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAccept-Encoding: gzip\r\n\r\n"
        parseRequest(request) { head, buffer in
            let plan = UpstreamRequestPlan(uri: Array("/ws".utf8), version: .http1_1, setFields: [
                field("Host", "a"), field("Upgrade", "websocket"), field("Connection", "upgrade"),
                field("Accept-Encoding", ""),
            ])
            var out: [UInt8] = []
            RequestHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
            #expect(String(decoding: out, as: UTF8.self)
                == "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        }
    }

    /// Body framing is re-stated from the parsed head, once, whatever the client wrote.
    @Test func framingIsRestated() {
        parseRequest("POST /up HTTP/1.1\r\nHost: a\r\ncontent-length: 5\r\n\r\n") { head, buffer in
            var out: [UInt8] = []
            RequestHeadBuilder.build(head, buffer: buffer, plan: UpstreamRequestPlan(uri: Array("/up".utf8), version: .http1_1, setFields: []), into: &out)
            #expect(String(decoding: out, as: UTF8.self) == "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n")
        }
        parseRequest("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") { head, buffer in
            var out: [UInt8] = []
            RequestHeadBuilder.build(head, buffer: buffer, plan: UpstreamRequestPlan(uri: Array("/up".utf8), version: .http1_1, setFields: []), into: &out)
            #expect(String(decoding: out, as: UTF8.self) == "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        }
    }
}

struct ResponseHeadBuilderTests {
    /// The proxy's Server and Date replace the upstream's; hop-by-hop and X-Accel fields are
    /// dropped; Connection says what the proxy will do; add_header comes last.
    @Test func rebuildsForClient() {
        let response = "HTTP/1.1 200 OK\r\nServer: gunicorn\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
            + "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nX-Accel-Redirect: /internal\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 2\r\n\r\n"
        parseResponse(response) { head, buffer in
            let plan = ClientResponsePlan(keepAlive: false, hidden: ClientResponsePlan.defaultHidden,
                                          added: [field("X-Frame-Options", "DENY")], date: "Sun, 06 Nov 1994 08:49:37 GMT")
            var out: [UInt8] = []
            ResponseHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
            #expect(String(decoding: out, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nServer: switchyard\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\nX-Frame-Options: DENY\r\n\r\n")
        }
    }

    /// A 101 keeps its Upgrade and says Connection: upgrade.
    @Test func switchingProtocolsKeepsUpgrade() {
        parseResponse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n") { head, buffer in
            var out: [UInt8] = []
            ResponseHeadBuilder.build(head, buffer: buffer, plan: ClientResponsePlan(keepAlive: true, hidden: [], added: [], date: "d"), into: &out)
            #expect(String(decoding: out, as: UTF8.self)
                == "HTTP/1.1 101 Switching Protocols\r\nServer: switchyard\r\nDate: d\r\nSec-WebSocket-Accept: x\r\n"
                + "Upgrade: websocket\r\nConnection: upgrade\r\n\r\n")
        }
    }

    /// `proxy_redirect default`: a Location (or Refresh url=) starting with the proxy_pass URL
    /// is rewritten to the location's prefix; other redirects pass unchanged.
    @Test func proxyRedirectRewritesLocation() {
        let response = "HTTP/1.1 302 Found\r\nLocation: http://app/two/next?x=1\r\nRefresh: 5; url=http://APP/two/r\r\n"
            + "Content-Length: 0\r\n\r\n"
        parseResponse(response) { head, buffer in
            var plan = ClientResponsePlan(keepAlive: true, hidden: [], added: [], date: "d")
            plan.redirect = (Array("http://app/two/".utf8), Array("/one/".utf8))
            var out: [UInt8] = []
            ResponseHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
            let text = String(decoding: out, as: UTF8.self)
            #expect(text.contains("Location: /one/next?x=1\r\n"))
            #expect(text.contains("Refresh: 5; url=/one/r\r\n"))
        }
        parseResponse("HTTP/1.1 302 Found\r\nLocation: https://elsewhere/two/\r\nContent-Length: 0\r\n\r\n") { head, buffer in
            var plan = ClientResponsePlan(keepAlive: true, hidden: [], added: [], date: "d")
            plan.redirect = (Array("http://app/two/".utf8), Array("/one/".utf8))
            var out: [UInt8] = []
            ResponseHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
            #expect(String(decoding: out, as: UTF8.self).contains("Location: https://elsewhere/two/\r\n"))
        }
    }

    /// `keepalive_timeout 75s 60` announces `Keep-Alive: timeout=60` on a kept-alive
    /// connection, and nothing when the connection closes.
    @Test func keepAliveHeader() {
        parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") { head, buffer in
            var plan = ClientResponsePlan(keepAlive: true, hidden: [], added: [], date: "d")
            plan.keepAliveHeaderSeconds = 60
            var out: [UInt8] = []
            ResponseHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
            #expect(String(decoding: out, as: UTF8.self).contains("Connection: keep-alive\r\nKeep-Alive: timeout=60\r\n"))
            plan.keepAlive = false
            out.removeAll()
            ResponseHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
            #expect(!String(decoding: out, as: UTF8.self).contains("Keep-Alive"))
        }
    }
}
