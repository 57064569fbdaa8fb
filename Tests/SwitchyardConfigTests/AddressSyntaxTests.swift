import Testing

@testable import SwitchyardConfig

struct AddressSyntaxTests {
    private func listen(_ text: String) -> Result<HostPort, AddressSyntax.Problem> {
        AddressSyntax.parse(text, role: .listen)
    }

    private func upstream(_ text: String) -> Result<HostPort, AddressSyntax.Problem> {
        AddressSyntax.parse(text, role: .upstream)
    }

    /// Every form nginx users write for `listen`.
    @Test func listenForms() {
        #expect(listen("127.0.0.1:8080") == .success(HostPort(host: "127.0.0.1", port: 8080)))
        #expect(listen("[::1]:8080") == .success(HostPort(host: "::1", port: 8080)))
        #expect(listen("localhost:8080") == .success(HostPort(host: "localhost", port: 8080)))
        #expect(listen("*:8080") == .success(HostPort(host: "0.0.0.0", port: 8080)))
        #expect(listen("8080") == .success(HostPort(host: "0.0.0.0", port: 8080)))
        #expect(listen("[::]:443") == .success(HostPort(host: "::", port: 443)))
    }

    /// Ports must be 1-65535 and digits only.
    @Test func badPorts() {
        for bad in ["127.0.0.1:0", "127.0.0.1:65536", "x:abc", "x:", "0", "99999", "[::1]:-1"] {
            #expect(listen(bad) == .failure(.invalidPort), "\(bad)")
        }
    }

    /// Missing ports, bad hosts, IPv6 without brackets and unix sockets each have a reason.
    @Test func problems() {
        #expect(listen("localhost") == .failure(.noPort))
        #expect(listen("[::1]") == .failure(.noPort))
        #expect(listen("::1:80") == .failure(.invalidHost))
        #expect(listen(":80") == .failure(.invalidHost))
        #expect(listen("a b:80") == .failure(.invalidHost))
        #expect(listen("[::1]x80") == .failure(.invalidHost))
        #expect(listen("[zz]:80") == .failure(.invalidHost))
        #expect(listen("unix:/tmp/s") == .failure(.unixSocket))
    }

    /// Upstream addresses need a real host and a port: no bare port, no `*`.
    @Test func upstreamAddresses() {
        #expect(upstream("backend.internal:9000") == .success(HostPort(host: "backend.internal", port: 9000)))
        #expect(upstream("[2001:db8::1]:53") == .success(HostPort(host: "2001:db8::1", port: 53)))
        #expect(upstream("8080") == .failure(.noPort))
        #expect(upstream("backend") == .failure(.noPort))
        #expect(upstream("*:80") == .failure(.invalidHost))
    }

    /// Reasons read as nginx's `u->err` strings.
    @Test func reasons() {
        #expect(AddressSyntax.Problem.invalidPort.reason == "invalid port")
        #expect(AddressSyntax.Problem.noPort.reason == "no port")
        #expect(AddressSyntax.Problem.invalidHost.reason == "invalid host")
    }
}
