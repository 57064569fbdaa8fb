import Glibc
import Testing
import TestSupport

extension Integration {
    /// Static files from `root`, `alias` and `index`: content types by extension, exact bytes
    /// and lengths, directory redirects, Last-Modified and If-Modified-Since, GET and HEAD
    /// only, keep-alive, and no way out of the root through `..`, `%2e%2e` or a symlink.
    @Suite struct HTTPStaticFileTests {
        static let indexHTML = "<!doctype html>\n<title>switchyard</title>\n<p>index page</p>\n"
        static let styleCSS = "body { color: #123456; }\n"
        static let secret = "outside the root: never served\n"
        /// The files' modification time: Tue, 14 Nov 2023 22:13:20 GMT.
        static let modified = 1_700_000_000
        static let lastModified = "Tue, 14 Nov 2023 22:13:20 GMT"

        /// A tree in a fresh directory: `www/index.html`, `www/sub/style.css`, `outside`
        /// (next to `www`, not under it), the symlinks `www/link` → `../outside` and `www/up`
        /// → `..` out of the root, and `www/same.css` → `sub/style.css` within it; every file
        /// modified at `modified`.
        struct Site {
            let directory: TempDirectory
            var root: String { directory.file("www") }

            init() throws {
                directory = try TempDirectory(prefix: "switchyard-static")
                do {
                    try directory.makeDirectory("www/sub")
                    try directory.write("www/index.html", HTTPStaticFileTests.indexHTML)
                    try directory.write("www/sub/style.css", HTTPStaticFileTests.styleCSS)
                    try directory.write("outside", HTTPStaticFileTests.secret)
                    try directory.symlink("www/link", to: "../outside")
                    try directory.symlink("www/up", to: "..")
                    try directory.symlink("www/same.css", to: "sub/style.css")
                    for name in ["www/index.html", "www/sub/style.css", "outside"] {
                        try directory.setModified(name, seconds: HTTPStaticFileTests.modified)
                    }
                } catch {
                    directory.remove()
                    throw error
                }
            }
        }

        /// A router serving `site`: `root www; index index.html;` in the server and
        /// `location /files/ { alias www/sub/; }`.
        static func startStaticServer(_ site: Site) throws -> HTTPRouter {
            try startHTTPServer([
                "root \(site.root);",
                "index index.html;",
                location("/files/", ["alias \(site.root)/sub/;"]),
            ])
        }

        /// `GET /` serves index.html (`Content-Type: text/html`, its Content-Length and bytes,
        /// its Last-Modified) and `GET /sub/style.css` serves `text/css`, one after the other
        /// on one keep-alive connection.
        @Test func http_staticIndexAndContentTypes() throws {
            let site = try Site()
            defer { site.directory.remove() }
            let (router, port) = try Self.startStaticServer(site)
            defer { router.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for (target, type, text) in [("/", "text/html", Self.indexHTML), ("/sub/style.css", "text/css", Self.styleCSS)] {
                try connection.send(HTTPClient.request(target))
                let response = try #require(try connection.readResponse(), "\(target): no response; log:\n\(router.logTail())")
                #expect(response.status == 200, "\(target): \(response); log:\n\(router.logTail())")
                #expect(response.head.value("Content-Type")?.split(separator: ";").first.map(String.init) == type,
                        "\(target): \(response.head)")
                expectField("Content-Length", "\(text.utf8.count)", in: response.head, "client for \(target)")
                expectField("Last-Modified", Self.lastModified, in: response.head, "client for \(target)")
                expectField("Connection", "keep-alive", in: response.head, "client for \(target)")
                expectAbsent(["Transfer-Encoding"], in: response.head, "client for \(target)")
                #expect(response.body == Array(text.utf8), "\(target): \(response)")
            }
        }

        /// Two file requests written at once on one socket: both are answered in order with
        /// their exact bytes (the first file's body ends where its Content-Length says, the
        /// second head follows), and the connection stays open.
        @Test func http_staticPipelinedKeepAlive() throws {
            let site = try Site()
            defer { site.directory.remove() }
            let (router, port) = try Self.startStaticServer(site)
            defer { router.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(HTTPClient.request("/sub/style.css") + HTTPClient.request("/index.html"))
            var bodies: [String] = []
            for index in 0..<2 {
                let response = try #require(try connection.readResponse(), "response \(index) missing after \(bodies); log:\n\(router.logTail())")
                #expect(response.status == 200, "response \(index): \(response)")
                expectField("Connection", "keep-alive", in: response.head, "client, response \(index)")
                bodies.append(response.text)
            }
            #expect(bodies == [Self.styleCSS, Self.indexHTML])
            // Still open: a third request on the same socket is answered.
            try connection.send(HTTPClient.request("/"))
            let third = try #require(try connection.readResponse(), "third request: no response; log:\n\(router.logTail())")
            #expect(third.status == 200 && third.text == Self.indexHTML, "\(third)")
        }

        /// A directory without its slash, `/sub` (and `/sub?x=1`), gets 301 to
        /// `http://localhost:PORT/sub/` (with the query).
        @Test func http_staticDirectoryRedirect301() throws {
            let site = try Site()
            defer { site.directory.remove() }
            let (router, port) = try Self.startStaticServer(site)
            defer { router.stop() }

            for (target, location) in [("/sub", "http://localhost:\(port)/sub/"), ("/sub?x=1", "http://localhost:\(port)/sub/?x=1")] {
                let response = try HTTPClient.exchange(port: port, HTTPClient.request(target))
                #expect(response.status == 301, "\(target): \(response); log:\n\(router.logTail())")
                expectField("Location", location, in: response.head, "client for \(target)")
            }
        }

        /// `location /files/ { alias www/sub/; }` serves `/files/style.css` from
        /// `www/sub/style.css`, as `text/css`.
        @Test func http_staticAlias() throws {
            let site = try Site()
            defer { site.directory.remove() }
            let (router, port) = try Self.startStaticServer(site)
            defer { router.stop() }

            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/files/style.css"))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())")
            #expect(response.head.value("Content-Type")?.hasPrefix("text/css") == true, "\(response.head)")
            expectField("Content-Length", "\(Self.styleCSS.utf8.count)", in: response.head, "client")
            #expect(response.text == Self.styleCSS, "\(response)")
        }

        /// Nothing outside the root is reachable: the symlink `/link` to `../outside` and the
        /// path `/up/outside` through a directory symlink to `..` get 404 (while `/same.css`, a
        /// symlink within the root, is served); `/../outside`, `/%2e%2e/outside` and
        /// `/sub/%2E%2E/../outside`, sent byte for byte on a raw socket, get 400 (a path above
        /// the root); a missing file gets 404. No answer carries the outside file's text.
        @Test func http_staticNoEscapeFromRoot() throws {
            let site = try Site()
            defer { site.directory.remove() }
            let (router, port) = try Self.startStaticServer(site)
            defer { router.stop() }

            // The target exists and is readable: only the router's confinement keeps it out.
            #expect(site.directory.read("www/link") == Self.secret)
            let cases: [(request: String, status: Int)] = [
                ("GET /link HTTP/1.1\r\nHost: localhost\r\n\r\n", 404),
                ("GET /up/outside HTTP/1.1\r\nHost: localhost\r\n\r\n", 404),
                ("GET /../outside HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
                ("GET /%2e%2e/outside HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
                ("GET /sub/%2E%2E/../outside HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
                ("GET /missing.html HTTP/1.1\r\nHost: localhost\r\n\r\n", 404),
            ]
            let within = try HTTPClient.exchange(port: port, HTTPClient.request("/same.css"))
            #expect(within.status == 200 && within.text == Self.styleCSS, "symlink within the root: \(within); log:\n\(router.logTail())")
            for (request, status) in cases {
                let response = try HTTPClient.exchange(port: port, request)
                #expect(response.status == status, "\(request.debugDescription): \(response); log:\n\(router.logTail())")
                #expect(!response.text.contains("never served"), "\(request.debugDescription) leaked the outside file: \(response)")
            }
        }

        /// `If-Modified-Since` equal to the file's Last-Modified gets 304 with that
        /// Last-Modified and no body (the next request on the connection is answered cleanly);
        /// one second earlier gets the file.
        @Test func http_staticIfModifiedSince() throws {
            let site = try Site()
            defer { site.directory.remove() }
            let (router, port) = try Self.startStaticServer(site)
            defer { router.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(HTTPClient.request("/sub/style.css", headers: ["If-Modified-Since: \(Self.lastModified)"]))
            let notModified = try #require(try connection.readResponse(), "no response; log:\n\(router.logTail())")
            #expect(notModified.status == 304, "\(notModified); log:\n\(router.logTail())")
            expectField("Last-Modified", Self.lastModified, in: notModified.head, "client for 304")
            expectAbsent(["Transfer-Encoding"], in: notModified.head, "client for 304")
            // Nothing may follow the 304's head: the next response must start right after it.
            try connection.send(HTTPClient.request("/sub/style.css", headers: ["If-Modified-Since: Tue, 14 Nov 2023 22:13:19 GMT"]))
            let modified = try #require(try connection.readResponse(), "after the 304: no response; log:\n\(router.logTail())")
            #expect(modified.head.startLine == "HTTP/1.1 200 OK", "after the 304: \(modified)")
            #expect(modified.text == Self.styleCSS, "\(modified)")
        }

        /// Only GET and HEAD: POST gets 405; HEAD gets 200 with the file's Content-Length and
        /// Content-Type but no body, so the next request on the connection is answered cleanly.
        @Test func http_staticMethods() throws {
            let site = try Site()
            defer { site.directory.remove() }
            let (router, port) = try Self.startStaticServer(site)
            defer { router.stop() }

            let post = try HTTPClient.exchange(port: port, HTTPClient.request("POST", "/index.html", headers: ["Content-Length: 0"]))
            #expect(post.status == 405, "\(post); log:\n\(router.logTail())")

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            try connection.send(HTTPClient.request("HEAD", "/index.html"))
            let head = try #require(try connection.readResponse(method: "HEAD"), "HEAD: no response; log:\n\(router.logTail())")
            #expect(head.status == 200, "HEAD: \(head)")
            expectField("Content-Length", "\(Self.indexHTML.utf8.count)", in: head.head, "client for HEAD")
            #expect(head.head.value("Content-Type")?.hasPrefix("text/html") == true, "HEAD: \(head.head)")
            try connection.send(HTTPClient.request("/sub/style.css"))
            let next = try #require(try connection.readResponse(), "after HEAD: no response; log:\n\(router.logTail())")
            #expect(next.head.startLine == "HTTP/1.1 200 OK" && next.text == Self.styleCSS, "after HEAD: \(next)")
        }

        /// A directory without an index file is forbidden (403, nginx's "directory index is
        /// forbidden"); a directory that does not exist is missing (404).
        @Test func http_staticDirectoryWithoutIndex() throws {
            let site = try Site()
            defer { site.directory.remove() }
            try site.directory.makeDirectory("www/empty")
            let (router, port) = try Self.startStaticServer(site)
            defer { router.stop() }

            let empty = try HTTPClient.exchange(port: port, HTTPClient.request("/empty/"))
            #expect(empty.status == 403, "\(empty); log:\n\(router.logTail())")
            let missing = try HTTPClient.exchange(port: port, HTTPClient.request("/nowhere/"))
            #expect(missing.status == 404, "\(missing)")
        }
    }
}
