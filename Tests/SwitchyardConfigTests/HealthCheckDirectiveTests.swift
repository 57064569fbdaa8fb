import Testing

@testable import SwitchyardConfig

/// `health_check` in `upstream {}` of both modules: nginx Plus's defaults, every parameter,
/// and nginx's sentences for what is wrong, with the file and line.
struct HealthCheckDirectiveTests {
    /// `stream {}` with one `upstream u` whose lines start on line 3.
    private func streamUpstream(_ lines: String) -> String {
        "stream {\n  upstream u {\n\(lines)\n  }\n  server { listen 1; proxy_pass u; }\n}\n"
    }

    /// The same for `http {}`.
    private func httpUpstream(_ lines: String) -> String {
        "http {\n  upstream u {\n\(lines)\n  }\n  server { location / { proxy_pass http://u; } }\n}\n"
    }

    private func streamCheck(_ line: String) throws -> HealthCheckConfig? {
        try #require(try load(streamUpstream("server 10.0.0.1:80;\n\(line)")).stream?.upstream(named: "u")).healthCheck
    }

    private func httpCheck(_ line: String) throws -> HealthCheckConfig? {
        try #require(try load(httpUpstream("server 10.0.0.1:80;\n\(line)")).http?.upstream(named: "u")).healthCheck
    }

    /// No line, no checks.
    @Test func absentByDefault() throws {
        #expect(try streamCheck("") == nil)
        #expect(try httpCheck("") == nil)
    }

    /// A bare `health_check`: every 5 s, one failure takes a server out, one pass brings it
    /// back, 5 s per probe; http in `http {}` (GET /, 2xx or 3xx), tcp in `stream {}`.
    @Test func defaultsPerModule() throws {
        let http = try #require(try httpCheck("health_check;"))
        #expect(http == HealthCheckConfig(kind: .http, location: location(4)))
        #expect(http.interval == .seconds(5) && http.timeout == .seconds(5))
        #expect(http.fails == 1 && http.passes == 1 && http.uri == "/" && http.port == nil)
        #expect(http.match == StatusMatch(ranges: [200...399]))
        let stream = try #require(try streamCheck("health_check;"))
        #expect(stream.kind == .tcp && stream.location == location(4))
    }

    /// Every parameter, in any order; `type=http` is allowed in a stream upstream (an HTTP
    /// probe to a TCP service).
    @Test func everyParameter() throws {
        let line = "health_check interval=200ms fails=2 passes=3 uri=/healthz?full=1 match=200,204 timeout=150ms port=8081;"
        let check = try #require(try httpCheck(line))
        #expect(check.interval == .milliseconds(200) && check.timeout == .milliseconds(150))
        #expect(check.fails == 2 && check.passes == 3 && check.port == 8081)
        #expect(check.uri == "/healthz?full=1" && check.match.description == "200,204")
        let stream = try #require(try streamCheck("health_check type=http uri=/up match=200 interval=2s;"))
        #expect(stream.kind == .http && stream.uri == "/up" && stream.match.contains(200) && !stream.match.contains(204))
        #expect(try httpCheck("health_check type=tcp;")?.kind == .tcp)
    }

    /// Without `timeout`, a probe may take the interval, at most 5 s.
    @Test func timeoutDefaultsToTheIntervalUpToFiveSeconds() throws {
        #expect(try httpCheck("health_check interval=1s;")?.timeout == .seconds(1))
        #expect(try httpCheck("health_check interval=30s;")?.timeout == .seconds(5))
        #expect(try httpCheck("health_check interval=1s timeout=3s;")?.timeout == .seconds(3))
    }

    /// `match=` takes a status, a range, or a list of either.
    @Test func statusMatch() throws {
        let range = try #require(StatusMatch("200-399"))
        #expect(range.contains(200) && range.contains(399) && !range.contains(199) && !range.contains(400))
        let list = try #require(StatusMatch("200-299,304,418"))
        #expect(list.ranges == [200...299, 304...304, 418...418] && list.description == "200-299,304,418")
        #expect(StatusMatch("503")?.contains(503) == true)
        for bad in ["", "20", "2000", "200-", "-200", "300-200", "200,,204", "200-250-300", "099", "600", "2xx", "200 "] {
            #expect(StatusMatch(bad) == nil, "\(bad)")
        }
    }

    /// A value nginx would not take is `invalid parameter`, with the line.
    @Test func invalidParameters() {
        let bad = [
            "interval=", "interval=0", "interval=x", "fails=0", "fails=-1", "passes=0", "passes=two", "timeout=0",
            "timeout=1x", "port=0", "port=65536", "type=udp", "uri=health", "uri=/a\u{7F}", "match=2xx", "match=",
            "mandatory", "jitter=1s", "interval",
        ]
        for parameter in bad {
            #expect(loadError(httpUpstream("server 10.0.0.1:80;\nhealth_check \(parameter);"))
                == "invalid parameter \"\(parameter)\" in conf/x.conf:4", "\(parameter)")
        }
        #expect(loadError(httpUpstream("server 10.0.0.1:80;\nhealth_check \"uri=/a b\";"))
            == "invalid parameter \"uri=/a b\" in conf/x.conf:4")
    }

    /// `uri` and `match` mean nothing to a tcp probe; a parameter twice is an error, and so is
    /// a second `health_check` in one block.
    @Test func conflictsAndDuplicates() {
        #expect(loadError(streamUpstream("server 10.0.0.1:80;\nhealth_check uri=/x;"))
            == "parameter \"uri=/x\" requires \"type=http\" in conf/x.conf:4")
        #expect(loadError(httpUpstream("server 10.0.0.1:80;\nhealth_check match=200 type=tcp;"))
            == "parameter \"match=200\" requires \"type=http\" in conf/x.conf:4")
        #expect(loadError(httpUpstream("server 10.0.0.1:80;\nhealth_check fails=2 fails=3;"))
            == "duplicate parameter \"fails=3\" in conf/x.conf:4")
        #expect(loadError(streamUpstream("health_check;\nserver 10.0.0.1:80;\nhealth_check interval=1s;"))
            == "\"health_check\" directive is duplicate in conf/x.conf:5")
    }

    /// Only in `upstream {}`: nginx Plus's place (a location, a stream server) is refused.
    @Test func onlyInUpstreams() {
        #expect(loadError("http {\n server {\n  location / {\n   health_check;\n  }\n }\n}")
            == "\"health_check\" directive is not allowed here in conf/x.conf:4")
        #expect(loadError("stream {\n server {\n  listen 1;\n  health_check;\n  echo;\n }\n}")
            == "\"health_check\" directive is not allowed here in conf/x.conf:4")
    }
}
