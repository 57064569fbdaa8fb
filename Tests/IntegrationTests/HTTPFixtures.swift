import Testing
import TestSupport

// What the HTTP end-to-end tests share: a config around an `http { }` body, a router with one
// http server on a free port (usually proxying `location /app/` to a recording backend), and
// the expectations they repeat about heads.

/// A running router and the 127.0.0.1 port its one http server listens on. Stop it in a
/// `defer`, before the backend (`defer { router.stop(); backend.stop() }`).
typealias HTTPRouter = (router: SwitchyardProcess, port: UInt16)

/// A full config around an `http { }` body: one loop thread, the log at `info` to stderr
/// (the harness sends it to `switchyard.log`), and the pid file in the test's directory.
func httpConfig(_ directory: TempDirectory, _ http: String) -> String {
    """
    worker_processes 1;
    error_log stderr info;
    pid \(directory.file("switchyard.pid"));

    events {
        worker_connections 1024;
    }

    http {
    \(http)
    }

    """
}

/// `location /ws/ { }` proxying WebSocket upgrades to `upstream feed` with the literal
/// `Connection "upgrade"` form, then `extra` directives.
func webSocketFeedLocation(_ extra: [String] = []) -> String {
    location("/ws/", ["proxy_pass http://feed;", "proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                      "proxy_set_header Connection \"upgrade\";"] + extra)
}

/// A `location MATCH { }` block with `directives` one a line.
func location(_ match: String, _ directives: [String]) -> String {
    (["location \(match) {"] + directives.map { "    \($0)" } + ["}"]).joined(separator: "\n")
}

/// Starts the router with one http server on a free port: `preamble` (upstream blocks) in
/// `http { }`, then `server { listen 127.0.0.1:PORT; server_name localhost; directives }`,
/// and waits until the port listens.
func startHTTPServer(_ directives: [String], preamble: String = "") throws -> HTTPRouter {
    let port = try TCP.freePort()
    let server = (["server {", "    listen 127.0.0.1:\(port);", "    server_name localhost;"]
        + directives.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" } }
        + ["}"]).joined(separator: "\n")
    let http = (preamble.isEmpty ? "" : preamble + "\n") + server
    let router = try SwitchyardProcess(config: { httpConfig($0, http) }, waitForPorts: [port])
    return (router, port)
}

/// The timeouts every proxy location of these tests sets: a short connect timeout and a
/// read timeout (5 s unless given), so a wedged exchange fails fast instead of hanging the
/// suite.
func proxyTimeouts(read: String = "5s") -> [String] {
    ["proxy_connect_timeout 500ms;", "proxy_read_timeout \(read);"]
}

/// A router whose `location /app/` has `proxy_pass http://app/` (so `/app/x` goes up as `/x`)
/// to `upstream app { server 127.0.0.1:backend; }`, then `proxyTimeouts(read:)` and
/// `directives`; `server` adds directives (more locations) to the server block.
func startHTTPProxy(to backend: UInt16, _ directives: [String] = [], readTimeout: String = "5s",
                    server: [String] = []) throws -> HTTPRouter {
    try startHTTPServer(
        [location("/app/", ["proxy_pass http://app/;"] + proxyTimeouts(read: readTimeout) + directives)] + server,
        preamble: "upstream app { server 127.0.0.1:\(backend); }")
}

/// The one request the backend received, or a failed requirement naming the router's log.
func onlyRequest(_ backend: RecordingHTTPBackend, _ router: SwitchyardProcess,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> RecordedRequest {
    let requests = try #require(backend.waitForRequests(1, timeout: 5), "the backend received nothing; log:\n\(router.logTail())",
                                sourceLocation: sourceLocation)
    #expect(requests.count == 1, "backend received \(requests)", sourceLocation: sourceLocation)
    return requests[0]
}

/// Expects `head` to carry none of `names` (case-insensitive).
func expectAbsent(_ names: [String], in head: HTTPHead, _ side: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for name in names {
        #expect(!head.has(name), "\(side) got \(name): \(head.values(name)) in \(head)", sourceLocation: sourceLocation)
    }
}

/// Expects `head` to carry exactly one `name` field, with `value`.
func expectField(_ name: String, _ value: String, in head: HTTPHead, _ side: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(head.values(name) == [value], "\(side): \(name) should be exactly [\(value)] in \(head)", sourceLocation: sourceLocation)
}

/// Runs curl (`Curl.run`), a failed requirement if it cannot start or does not exit 0.
func curl(_ arguments: String..., timeout: Double = 5, router: SwitchyardProcess,
          sourceLocation: SourceLocation = #_sourceLocation) throws -> Curl.Output {
    let output = try Curl.run(arguments, timeout: timeout)
    try #require(output.status == .exited(0), "\(output); log:\n\(router.logTail())", sourceLocation: sourceLocation)
    return output
}
