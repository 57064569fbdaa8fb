import Glibc
import Testing
@testable import SwitchyardReactor

struct SocketAddressTests {
    /// Numeric IPv4 and IPv6 addresses parse and print the way logs show them.
    @Test func parsesAndPrintsNumericAddresses() {
        #expect(SocketAddress(ip: "127.0.0.1", port: 8080)?.description == "127.0.0.1:8080")
        #expect(SocketAddress(ip: "::1", port: 443)?.description == "[::1]:443")
        #expect(SocketAddress(ip: "localhost", port: 1) == nil)
        #expect(SocketAddress(ip: "127.0.0.1", port: 70000) == nil)
    }

    /// Host names resolve to addresses, as nginx does at load time.
    @Test func resolvesLocalhost() throws {
        let found = try SocketAddress.resolve(host: "localhost", port: 80)
        #expect(found.contains(SocketAddress(ip: "127.0.0.1", port: 80)!))
    }
}
