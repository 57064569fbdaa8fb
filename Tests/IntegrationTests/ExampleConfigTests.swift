import Foundation
import Glibc
import Testing
import TestSupport

// The configs of `conf/examples/`, one per WebSocket scenario of the seed documents, run as
// shipped: each is copied into a temp directory (its `pid` moved there, its `html/` tree next
// to it for relative `root`s), checked with `switchyard -t`, started, and exercised through its
// front port against the built-in backends it declares itself (`websocket_echo`, `return`),
// with real HTTP requests and a real WebSocket handshake and frame.

/// One file of `conf/examples/` and the exchanges its scenario is tested with.
struct ExampleConfig: Sendable, CustomTestStringConvertible {
    /// What the test does through the front port.
    enum Exchange: Sendable {
        /// A GET of `path`: the response must have `status` and a body containing `body`,
        /// and a `header` field containing its text when one is given.
        case http(_ path: String, status: Int, body: String, header: (name: String, contains: String)? = nil)
        /// A WebSocket handshake on `path` (101 with the RFC 6455 accept value), RFC 6455's
        /// masked "Hello" echoed unmasked, and a close 1000 answered by close 1000 and EOF.
        case webSocket(_ path: String)
        /// After the other exchanges: the router's log (stderr) gets a line containing all of
        /// these within 5 s.
        case logLine([String])
    }

    /// The file name in `conf/examples/`.
    let file: String
    /// The port the seed's server block listens on (127.0.0.1).
    let port: UInt16
    /// The `Host` the requests carry (the seed's `server_name`, or `localhost`).
    let host: String
    let exchanges: [Exchange]

    var testDescription: String { file }
}

extension Integration {
    /// `conf/examples/`: every seed WebSocket scenario as a config that runs alone on 127.0.0.1.
    @Suite struct ExampleConfigTests {
        /// Every example and how it is exercised; `examples_folderMatchesTheTable` keeps this
        /// list and the folder the same.
        static let examples: [ExampleConfig] = [
            ExampleConfig(file: "websocket-minimal.conf", port: 18400, host: "chat.example.com",
                          exchanges: [.webSocket("/"), .webSocket("/any/path")]),
            ExampleConfig(file: "websocket-timeouts.conf", port: 18405, host: "chat.example.com",
                          exchanges: [.webSocket("/ws")]),
            ExampleConfig(file: "websocket-tls.conf", port: 18410, host: "chat.example.com",
                          exchanges: [.webSocket("/ws")]),
            ExampleConfig(file: "websocket-keepalive-upstream.conf", port: 18415, host: "localhost",
                          exchanges: [.webSocket("/"), .webSocket("/")]),  // one per upstream server
            ExampleConfig(file: "websocket-ip-hash.conf", port: 18420, host: "chat.example.com",
                          exchanges: [.webSocket("/ws"), .webSocket("/ws"), .webSocket("/ws")]),
            ExampleConfig(file: "websocket-cookie-hash.conf", port: 18425, host: "chat.example.com",
                          exchanges: [.http("/", status: 200, body: "app on port 1842",
                                            header: (name: "Set-Cookie", contains: "server_id=127.0.0.1:1842")),
                                      .webSocket("/ws")]),
            ExampleConfig(file: "websocket-health-check.conf", port: 18430, host: "chat.example.com",
                          exchanges: [.http("/health", status: 200, body: "healthy\n"), .webSocket("/ws")]),
            ExampleConfig(file: "websocket-logging.conf", port: 18435, host: "chat.example.com",
                          exchanges: [.webSocket("/ws"),
                                      .logLine(["\"GET /ws HTTP/1.1\" 101 ", "upgrade=\"websocket\"", "connection=\"Upgrade\""])]),
            ExampleConfig(file: "chat.conf", port: 18440, host: "chat.example.com",
                          exchanges: [.http("/", status: 200, body: "chat room page"),
                                      .http("/api/rooms", status: 200, body: "GET /api/rooms for chat.example.com, X-Real-IP 127.0.0.1"),
                                      .webSocket("/socket.io/?EIO=4&transport=websocket")]),
            ExampleConfig(file: "market-data.conf", port: 18445, host: "stock.example.com",
                          exchanges: [.http("/", status: 200, body: "market data page"),
                                      .http("/realtime", status: 426, body: "WebSocket only"),  // the feed's refusal, proxied
                                      .webSocket("/realtime")]),
            ExampleConfig(file: "collaborative-editing.conf", port: 18450, host: "docs.example.com",
                          exchanges: [.http("/", status: 200, body: "collaborative editor page"),
                                      .http("/auth", status: 404, body: "404 Not Found"),  // internal
                                      .webSocket("/collaborate?userId=42&docId=7")]),
            ExampleConfig(file: "websocket-nginx-docs.conf", port: 18455, host: "localhost",
                          exchanges: [.webSocket("/chat/")]),
            ExampleConfig(file: "websocket-nginx-docs-map.conf", port: 18460, host: "localhost",
                          exchanges: [.http("/chat/history", status: 200, body: "app: GET /chat/history, Connection close"),
                                      .webSocket("/chat/ws")]),
            ExampleConfig(file: "websocket-complete.conf", port: 18465, host: "example.com",
                          exchanges: [.http("/static/hello.txt", status: 200, body: "static file from conf/examples/html/static"),
                                      .webSocket("/chat/")]),
        ]

        /// `conf/examples/`, found from this file: `Tests/IntegrationTests/../..` is the
        /// package root.
        static let folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("conf/examples").path

        static let handshakeKey = "dGhlIHNhbXBsZSBub25jZQ=="
        /// RFC 6455 §5.7: a masked text frame "Hello" (mask 37 fa 21 3d) and its unmasked form.
        static let maskedHello: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        static let hello: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]

        /// The text of `file` in `conf/examples/`, a failed requirement if it cannot be read.
        static func text(_ file: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            try #require(TempDirectory.read(path: "\(folder)/\(file)"), "cannot read \(folder)/\(file)",
                         sourceLocation: sourceLocation)
        }

        /// The lines of `text` that are directives, not comments.
        static func liveLines(_ text: String) -> [String] {
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("#") }
        }

        /// The ports of every `listen 127.0.0.1:PORT` of `text`, in order.
        static func listenPorts(_ text: String) -> [UInt16] {
            liveLines(text).compactMap { line in
                guard line.hasPrefix("listen 127.0.0.1:") else { return nil }
                return UInt16(line.dropFirst("listen 127.0.0.1:".count).prefix(while: \.isNumber))
            }
        }

        /// `text` with its `pid` line pointing into `directory`.
        static func rewritingPid(_ text: String, into directory: TempDirectory) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("pid ") ? "pid \(directory.file("switchyard.pid"));" : String(line)
            }.joined(separator: "\n")
        }

        /// Puts the example into `directory` as `switchyard.conf` with its `pid` there, and a copy
        /// of `conf/examples/html` next to it (relative `root`s are taken from the config's
        /// directory); returns the config text.
        static func stage(_ text: String, into directory: TempDirectory) throws -> String {
            let html = "\(folder)/html"
            if FileManager.default.fileExists(atPath: html) && !FileManager.default.fileExists(atPath: directory.file("html")) {
                try FileManager.default.copyItem(atPath: html, toPath: directory.file("html"))
            }
            let staged = rewritingPid(text, into: directory)
            try directory.write("switchyard.conf", staged)
            return staged
        }

        /// Reads a response head (to CRLFCRLF) from a raw socket, byte by byte, so nothing after
        /// it is consumed.
        static func readHead(_ fd: Int32) throws -> String {
            var head: [UInt8] = []
            let end = Array("\r\n\r\n".utf8)
            while !(head.count >= 4 && Array(head.suffix(4)) == end) && head.count < 8192 {
                head += try TCP.receiveExactly(fd, count: 1, deadline: Deadline(seconds: 5))
            }
            return String(decoding: head, as: UTF8.self)
        }

        /// The handshake on `path` through `port`, the "Hello" frame and its echo, then the
        /// close handshake and EOF.
        static func expectWebSocketEcho(port: UInt16, host: String, path: String, router: SwitchyardProcess,
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: \(handshakeKey)\r\nSec-WebSocket-Version: 13\r\n\r\n"
            try TCP.sendAll(fd, request, deadline: Deadline(seconds: 5))
            let head = try readHead(fd)
            try #require(head.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"), "\(path): \(head.debugDescription); log:\n\(router.logTail())",
                         sourceLocation: sourceLocation)
            #expect(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), "\(path): \(head.debugDescription)",
                    sourceLocation: sourceLocation)
            try TCP.sendAll(fd, maskedHello, deadline: Deadline(seconds: 5))
            #expect(try TCP.receiveExactly(fd, count: hello.count, deadline: Deadline(seconds: 5)) == hello,
                    "\(path): echo; log:\n\(router.logTail())", sourceLocation: sourceLocation)
            // Masked close 1000 (mask 00 00 00 00 keeps the bytes readable) → close 1000, EOF.
            try TCP.sendAll(fd, [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8], deadline: Deadline(seconds: 5))
            #expect(try TCP.receiveExactly(fd, count: 4, deadline: Deadline(seconds: 5)) == [0x88, 0x02, 0x03, 0xe8],
                    "\(path): close", sourceLocation: sourceLocation)
            #expect(TCP.waitForEnd(fd, deadline: Deadline(seconds: 5)).end == .eof, "\(path): EOF after close",
                    sourceLocation: sourceLocation)
        }

        /// The folder holds exactly the configs of `examples` (plus README.md and html/), and
        /// the README names each of them.
        @Test func examples_folderMatchesTheTable() throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder)
            let configs = Set(names.filter { $0.hasSuffix(".conf") })
            #expect(configs == Set(Self.examples.map(\.file)), "folder \(configs.sorted()) vs table \(Self.examples.map(\.file))")
            let readme = try Self.text("README.md")
            for example in Self.examples {
                #expect(readme.contains("`\(example.file)`"), "README.md does not list \(example.file)")
            }
        }

        /// Every example says which seed scenario it reproduces, what works and what is pending;
        /// listens and proxies only on 127.0.0.1, on ports 18400-18499 no other example uses;
        /// logs to stderr at notice with one worker and a pid under /tmp; and keeps pending
        /// directives as `# pending (...)` comments only.
        @Test func examples_followTheConventions() throws {
            var owner: [UInt16: String] = [:]
            // Directives no landed issue provides yet: an example writes them as comments.
            let pendingDirectives = ["ssl_certificate", "auth_request", "limit_req", "limit_conn", "proxy_cache"]
            for example in Self.examples {
                let text = try Self.text(example.file)
                let file = example.file
                #expect(text.hasPrefix("# Seed scenario: "), "\(file) must start with its seed scenario")
                #expect(text.contains("/work/shared/seeds/"), "\(file) must name its seed file")
                #expect(text.contains("# Works today:") && text.contains("# Pending:"), "\(file) must say what works and what is pending")
                let live = Self.liveLines(text)
                #expect(live.contains("worker_processes 1;") && live.contains("error_log stderr notice;"), "\(file)")
                #expect(live.contains { $0.hasPrefix("pid /tmp/") }, "\(file): pid under /tmp")
                let ports = Self.listenPorts(text)
                #expect(ports.first == example.port, "\(file): the first listen is the front port \(example.port), got \(ports)")
                #expect(live.filter { $0.hasPrefix("listen ") }.count == ports.count, "\(file): every listen is on 127.0.0.1")
                for port in ports {
                    #expect((18400...18499).contains(port), "\(file): port \(port) outside 18400-18499")
                    if let other = owner[port] {
                        Issue.record("\(file): port \(port) is also used by \(other)")
                    }
                    owner[port] = file
                }
                for line in live where line.hasPrefix("server ") && line.contains(":") {
                    #expect(line.hasPrefix("server 127.0.0.1:"), "\(file): upstream server not on loopback: \(line)")
                }
                for line in live where line.hasPrefix("proxy_pass http://") && line.dropFirst("proxy_pass http://".count).contains(":") {
                    #expect(line.hasPrefix("proxy_pass http://127.0.0.1:"), "\(file): proxy_pass not on loopback: \(line)")
                }
                for line in live {
                    for directive in pendingDirectives where line.hasPrefix(directive) {
                        Issue.record("\(file): pending directive is live: \(line)")
                    }
                }
            }
        }

        /// Each example, as shipped: `switchyard -t` accepts it; started, it listens on all its
        /// ports; through its front port, its plain HTTP routes answer and its WebSocket routes
        /// switch protocols and echo a frame from the built-in backend; it stops cleanly.
        @Test(arguments: examples) func examples_runAgainstTheirBackends(_ example: ExampleConfig) throws {
            let text = try Self.text(example.file)
            let ports = Self.listenPorts(text)
            try #require(!ports.isEmpty, "\(example.file) listens nowhere")
            for port in ports {
                try #require(!Listeners.isListening(port: port), "127.0.0.1:\(port) is taken by another process")
            }

            let checkDirectory = try TempDirectory(prefix: "switchyard-example")
            defer { checkDirectory.remove() }
            _ = try Self.stage(text, into: checkDirectory)
            let check = try SwitchyardProcess.run(["-t", "-c", checkDirectory.file("switchyard.conf")])
            try #require(check.status == .exited(0), "\(example.file): \(check)")
            #expect(check.stderr.contains("test is successful"), "\(example.file): \(check)")

            let router = try SwitchyardProcess(config: { directory in
                (try? Self.stage(text, into: directory)) ?? Self.rewritingPid(text, into: directory)
            }, waitForPorts: ports)
            defer { router.stop() }

            for exchange in example.exchanges {
                switch exchange {
                case let .http(path, status, body, header):
                    let response = try HTTPClient.exchange(port: example.port, HTTPClient.request(path, host: example.host))
                    #expect(response.status == status, "\(example.file) GET \(path): \(response); log:\n\(router.logTail())")
                    #expect(response.text.contains(body), "\(example.file) GET \(path): \(response.text.debugDescription)")
                    if let header {
                        #expect(response.head.values(header.name).contains { $0.contains(header.contains) },
                                "\(example.file) GET \(path): \(header.name) in \(response.head)")
                    }
                case let .webSocket(path):
                    try Self.expectWebSocketEcho(port: example.port, host: example.host, path: path, router: router)
                case let .logLine(parts):
                    let found = waitUntil(timeout: 5) {
                        router.log.split(separator: "\n").contains { line in parts.allSatisfy { line.contains($0) } }
                    }
                    #expect(found, "\(example.file): no log line with \(parts); log:\n\(router.logTail())")
                }
            }

            let summary = try router.stopCleanly()
            #expect(summary.sessions > 0, "\(example.file): \(summary)")
        }
    }
}
