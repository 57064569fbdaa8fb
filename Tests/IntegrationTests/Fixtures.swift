import Testing
import TestSupport

// What the integration tests share: starting a router with one stream server on a free port
// (built-in echo, a proxy to a port or to an upstream group), the client-side exchanges and
// measurements they repeat, and a clean stop that returns the exit line.

/// A running router and the 127.0.0.1 port its one stream server listens on. Stop the router
/// in a `defer` (`defer { router.stop() }`), as with any `SwitchyardProcess`.
typealias StreamRouter = (router: SwitchyardProcess, port: UInt16)

/// A `server { }` block listening on 127.0.0.1:`port`, with `directives` one a line after
/// `listen`.
func streamServer(listen port: UInt16, _ directives: [String]) -> String {
    (["server {", "    listen 127.0.0.1:\(port);"] + directives.map { "    \($0)" } + ["}"]).joined(separator: "\n")
}

/// An `upstream name { }` block of 127.0.0.1 servers, in the order given.
func upstreamGroup(_ name: String, ports: [UInt16]) -> String {
    (["upstream \(name) {"] + ports.map { "    server 127.0.0.1:\($0);" } + ["}"]).joined(separator: "\n")
}

/// Starts the router on `streamConfig` with one stream server on a free port (`directives`
/// follow its `listen`, `preamble` stands before it in `stream { }`) and waits until the port
/// listens. `launcher` and `timeout` are `SwitchyardProcess`'s.
func startStreamServer(_ directives: [String], preamble: String = "", workers: Int = 1, connections: Int = 1024,
                       launcher: (TempDirectory) -> [String] = { _ in [] }, timeout: Double = 10) throws -> StreamRouter {
    let port = try TCP.freePort()
    let stream = (preamble.isEmpty ? "" : preamble + "\n") + streamServer(listen: port, directives)
    let router = try SwitchyardProcess(config: { streamConfig($0, workers: workers, connections: connections, stream) },
                                       waitForPorts: [port], launcher: launcher, timeout: timeout)
    return (router, port)
}

/// A router whose one stream server is the built-in `echo;`.
func startBuiltinEcho() throws -> StreamRouter {
    try startStreamServer(["echo;"])
}

/// A router whose one stream server has `proxy_pass 127.0.0.1:upstream;` and then
/// `directives`.
func startProxy(to upstream: UInt16, _ directives: String..., workers: Int = 1, connections: Int = 1024,
                launcher: (TempDirectory) -> [String] = { _ in [] }, timeout: Double = 10) throws -> StreamRouter {
    try startStreamServer(["proxy_pass 127.0.0.1:\(upstream);"] + directives, workers: workers, connections: connections,
                          launcher: launcher, timeout: timeout)
}

/// A new `EchoServer` and a router whose one stream server has `proxy_pass` to it and then
/// `directives`. Stop both in a `defer`, the router first (`defer { router.stop(); echo.stop() }`).
func startProxyToEchoServer(_ directives: String..., workers: Int = 1, connections: Int = 1024) throws
    -> (echo: EchoServer, router: SwitchyardProcess, port: UInt16) {
    let echo = try EchoServer()
    let (router, port) = try startStreamServer(["proxy_pass 127.0.0.1:\(echo.port);"] + directives,
                                               workers: workers, connections: connections)
    return (echo, router, port)
}

/// A router whose one stream server has `proxy_pass group;` and then `directives`, where
/// `upstream group` lists 127.0.0.1:`servers` in order.
func startProxy(toGroup servers: [UInt16], _ directives: String...) throws -> StreamRouter {
    try startStreamServer(["proxy_pass group;"] + directives, preamble: upstreamGroup("group", ports: servers))
}

/// Expects `message`, sent on `fd`, to come back whole within `timeout` seconds
/// (`EchoExchange.ping`); throws what the exchange throws.
func expectEcho(_ fd: Int32, _ message: String, timeout: Double = 5, _ comment: @autoclosure () -> Comment? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try EchoExchange.ping(fd, message, timeout: timeout) == message, comment(), sourceLocation: sourceLocation)
}

/// Sends `total` pattern bytes from `seed` on `fd` while reading the echo, then half-closes
/// (`EchoExchange.roundTrip`, all within `seconds`), and expects what came back to be what was
/// sent; `router`'s log goes into the failure message.
func expectEchoRoundTrip(_ fd: Int32, total: Int, seed: UInt64, within seconds: Double, router: SwitchyardProcess,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try EchoExchange.roundTrip(fd, total: total, seed: seed, deadline: Deadline(seconds: seconds))
    #expect(result.received == result.sent, "sent \(result.sent), got \(result.received); log:\n\(router.logTail())",
            sourceLocation: sourceLocation)
}

/// Connects to 127.0.0.1:`port`, sends `request` (within 5 s) and half-closes the socket
/// (SHUT_WR). The caller closes the returned descriptor.
func connectAndHalfClose(port: UInt16, sending request: [UInt8] = []) throws -> Int32 {
    let fd = try TCP.connect(port: port)
    do {
        try TCP.sendAll(fd, request, deadline: Deadline(seconds: 5))
    } catch {
        TCP.close(fd)
        throw error
    }
    TCP.shutdownWrite(fd)
    return fd
}

/// `TCP.waitForEnd` with a deadline `seconds` away, also saying how many seconds had passed
/// since `start` (a `MonotonicTime`, by default the call's) when the end came.
func waitForEnd(_ fd: Int32, within seconds: Double, since start: Double = MonotonicTime.now())
    -> (end: TCP.End, bytes: Int, elapsed: Double) {
    let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: seconds))
    return (end.end, end.bytes, MonotonicTime.now() - start)
}

extension SwitchyardProcess {
    /// Stops the router with SIGTERM, expects exit status 0, and returns the counters of its
    /// exit line (a failed requirement if it logged none).
    func stopCleanly(sourceLocation: SourceLocation = #_sourceLocation) throws -> ExitSummary {
        let status = stop()
        #expect(status == .exited(0), "log:\n\(logTail())", sourceLocation: sourceLocation)
        return try #require(exitSummary, "no exit line; log:\n\(logTail())", sourceLocation: sourceLocation)
    }
}
