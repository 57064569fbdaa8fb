import Foundation
import Testing
import TestSupport

extension Integration {
    /// `access_log` and `log_format`: a JSON format with `escape=json`, the predefined
    /// `combined` line, and `access_log off`.
    @Suite struct HTTPAccessLogTests {
        /// The lines of the file at `path` once it holds at least `count` whole lines (within
        /// 5 s), or what it holds then.
        static func waitForLines(_ path: String, _ count: Int) -> [String] {
            var lines: [String] = []
            waitUntil(timeout: 5) {
                let text = TempDirectory.read(path: path) ?? ""
                lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
                return lines.count >= count && text.hasSuffix("\n")
            }
            return lines
        }

        /// `log_format main escape=json '{"s":$status,"u":"$request_uri","a":"$http_user_agent"}'`:
        /// a User-Agent with double quotes and a backslash gives a line that is exactly the
        /// JSON-escaped text and parses as a JSON object with the original values.
        @Test func http_accessLogJSONEscape() throws {
            let logs = try TempDirectory(prefix: "switchyard-log")
            defer { logs.remove() }
            let path = logs.file("access.log")
            let (router, port) = try startHTTPServer([
                "access_log \(path) main;",
                location("= /x", ["return 200 \"ok\";"]),
            ], preamble: "log_format main escape=json '{\"s\":$status,\"u\":\"$request_uri\",\"a\":\"$http_user_agent\"}';")
            defer { router.stop() }

            let agent = #"say "hi" \ bye"#
            let response = try HTTPClient.exchange(port: port, HTTPClient.request("/x?q=%22", headers: ["User-Agent: \(agent)"]))
            #expect(response.status == 200, "\(response); log:\n\(router.logTail())")

            let lines = Self.waitForLines(path, 1)
            try #require(lines.count == 1, "access log: \(lines); log:\n\(router.logTail())")
            #expect(lines[0] == #"{"s":200,"u":"/x?q=%22","a":"say \"hi\" \\ bye"}"#, "\(lines[0].debugDescription)")
            let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
            let parsed = try #require(object, "not a JSON object: \(lines[0].debugDescription)")
            #expect(parsed["s"] as? Int == 200, "\(parsed)")
            #expect(parsed["u"] as? String == "/x?q=%22", "\(parsed)")
            #expect(parsed["a"] as? String == agent, "\(parsed)")
        }

        /// `access_log PATH` without a format writes nginx's `combined` line:
        /// `127.0.0.1 - - [dd/Mon/yyyy:hh:mm:ss +zzzz] "GET /x HTTP/1.1" 200 5 "-" "ua"`, the
        /// Referer in its place when sent, the body size the client got, and a double quote in
        /// a value escaped as `\x22` (nginx's default escaping).
        @Test func http_accessLogCombined() throws {
            let logs = try TempDirectory(prefix: "switchyard-log")
            defer { logs.remove() }
            let path = logs.file("combined.log")
            let (router, port) = try startHTTPServer([
                "access_log \(path);",
                location("= /x", ["return 200 \"hello\";"]),
                location("= /gone", ["return 404;"]),
            ])
            defer { router.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            var gone = -1
            for (target, headers) in [("/x", ["User-Agent: test-agent/1.0"]),
                                      ("/gone", ["User-Agent: test-agent/1.0", "Referer: http://ref.test/page"]),
                                      ("/x", ["User-Agent: a\"b"])] {
                try connection.send(HTTPClient.request(target, headers: headers))
                let response = try #require(try connection.readResponse(), "\(target): no response; log:\n\(router.logTail())")
                if target == "/gone" { gone = response.body.count }
            }

            let lines = Self.waitForLines(path, 3)
            try #require(lines.count == 3, "access log: \(lines); log:\n\(router.logTail())")
            let time = #"\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]"#
            let expected = [
                #"^127\.0\.0\.1 - - "# + time + #" "GET /x HTTP/1\.1" 200 5 "-" "test-agent/1\.0"$"#,
                #"^127\.0\.0\.1 - - "# + time + #" "GET /gone HTTP/1\.1" 404 \#(gone) "http://ref\.test/page" "test-agent/1\.0"$"#,
                #"^127\.0\.0\.1 - - "# + time + #" "GET /x HTTP/1\.1" 200 5 "-" "a\\x22b"$"#,
            ]
            for (line, pattern) in zip(lines, expected) {
                let regex = try Regex(pattern)
                #expect(line.wholeMatch(of: regex) != nil, "\(line.debugDescription) does not match \(pattern)")
            }
            #expect(gone > 0, "the 404 had no body")
        }

        /// `access_log off` in a location: its requests write nothing, while the http-level
        /// `access_log` still logs the other location's, on the same connection.
        @Test func http_accessLogOff() throws {
            let logs = try TempDirectory(prefix: "switchyard-log")
            defer { logs.remove() }
            let path = logs.file("all.log")
            let (router, port) = try startHTTPServer([
                location("= /quiet", ["access_log off;", "return 200 \"q\";"]),
                location("= /loud", ["return 200 \"l\";"]),
            ], preamble: "access_log \(path);")
            defer { router.stop() }

            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for target in ["/quiet", "/quiet", "/loud"] {
                try connection.send(HTTPClient.request(target))
                let response = try #require(try connection.readResponse(), "\(target): no response; log:\n\(router.logTail())")
                #expect(response.status == 200, "\(target): \(response)")
            }
            // The loud line comes after the quiet requests: once it is there, they would be too.
            let lines = Self.waitForLines(path, 1)
            #expect(lines.count == 1, "access log: \(lines); log:\n\(router.logTail())")
            #expect(lines.first?.contains("\"GET /loud HTTP/1.1\" 200 1 ") == true, "\(lines)")
            #expect(!(TempDirectory.read(path: path) ?? "").contains("/quiet"), "\(lines)")
        }
    }
}
