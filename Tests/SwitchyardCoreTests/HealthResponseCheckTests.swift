import SwitchyardConfig
import Testing
@testable import SwitchyardCore

/// What an http probe makes of the bytes it read.
struct HealthResponseCheckTests {
    private func verdict(_ text: String, closed: Bool = false, match: StatusMatch = .successOrRedirect) -> ProbeVerdict {
        HealthResponseCheck.evaluate(Array(text.utf8), closed: closed, match: match)
    }

    /// A whole head with a status in `match` passes; the body is not waited for.
    @Test func statusInMatchPasses() {
        #expect(verdict("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart") == .passed)
        #expect(verdict("HTTP/1.0 302 Found\r\nLocation: /x\r\n\r\n") == .passed)
        #expect(verdict("HTTP/1.1 204 No Content\r\n\r\n", match: StatusMatch("200,204")!) == .passed)
    }

    /// A status outside `match` fails, saying which.
    @Test func statusOutsideMatchFails() {
        #expect(verdict("HTTP/1.1 503 Service Unavailable\r\n\r\n") == .failed("status 503 is not in 200-399"))
        #expect(verdict("HTTP/1.1 200 OK\r\n\r\n", match: StatusMatch("204")!) == .failed("status 200 is not in 204"))
        #expect(verdict("HTTP/1.1 101 Switching Protocols\r\n\r\n") == .failed("status 101 is not in 200-399"))
    }

    /// Until the head is complete the probe waits, unless the peer closed.
    @Test func incompleteHeadWaitsOrFails() {
        #expect(verdict("") == .pending)
        #expect(verdict("HTTP/1.1 200 OK\r\nServer: x") == .pending)
        #expect(verdict("HTTP/1.1 200 OK\r\n", closed: true) == .failed("upstream prematurely closed connection"))
        #expect(verdict("", closed: true) == .failed("upstream prematurely closed connection"))
    }

    /// Interim 1xx heads are skipped: the final status decides.
    @Test func interimResponsesAreSkipped() {
        #expect(verdict("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n") == .passed)
        #expect(verdict("HTTP/1.1 100 Continue\r\n\r\n") == .pending)
        #expect(verdict("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Oops\r\n\r\n") == .failed("status 500 is not in 200-399"))
    }

    /// Something that is not an HTTP response fails at once.
    @Test func garbageFails() {
        guard case .failed(let reason) = verdict("SSH-2.0-OpenSSH_9.2\r\n") else {
            Issue.record("garbage did not fail")
            return
        }
        #expect(reason.hasPrefix("upstream sent an invalid response"), "\(reason)")
    }

    /// A peer that sends an endless head fails instead of growing the buffer.
    @Test func endlessHeadFails() {
        let head = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Pad: 0123456789abcdef\r\n", count: 4000)
        #expect(verdict(head) != .pending)
        #expect(verdict(head) != .passed)
    }

    /// The probe request: GET, the server as written in `Host`, and `Connection: close`.
    @Test func requestBytes() {
        let text = String(decoding: HealthResponseCheck.request(uri: "/healthz?x=1", host: "app.internal:8080"), as: UTF8.self)
        #expect(text.hasPrefix("GET /healthz?x=1 HTTP/1.1\r\nHost: app.internal:8080\r\n"))
        #expect(text.contains("\r\nConnection: close\r\n") && text.hasSuffix("\r\n\r\n"))
    }
}
