import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire
import Testing
@testable import SwitchyardCore

/// A parsed request as the session keeps it, from raw head text.
private func record(_ text: String) throws -> HTTPExchangeRecord {
    let bytes = Array(text.utf8)
    var parser = HTTPRequestHeadParser()
    let result = bytes.withUnsafeBytes { parser.parse($0) }
    guard case .complete(let head, let length) = result else { throw ConfigError(message: "bad fixture", location: nil) }
    let uri = try bytes.withUnsafeBytes { buffer in try URIPath.normalize(buffer[head.path.range]) }
    return HTTPExchangeRecord(headBytes: Array(bytes[0..<length]), head: head, uri: uri,
                              clientAddress: SocketAddress(ip: "192.0.2.7", port: 5555)!,
                              serverAddress: SocketAddress(ip: "127.0.0.1", port: 8090)!,
                              connectionNumber: 3, connectionRequests: 1, startedMs: 0)
}

private func http(_ body: String) throws -> HTTPConfig {
    let config = try ConfigLoader.parse(text: "http {\n\(body)\n}\n", file: "/tmp/test.conf")
    return try #require(config.http)
}

struct HTTPVariablesTests {
    /// Request variables read the parsed head: $host without port and lower-cased, $uri
    /// normalized, $args, $request, $http_NAME joined, $cookie_NAME, $arg_NAME.
    @Test func requestVariables() throws {
        let r = try record("GET /a/../b%20c?x=1&user=Ann HTTP/1.1\r\nHost: Example.ORG:8090\r\nCookie: id=42; t=x\r\n"
            + "X-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\n\r\n")
        let config = try http("server { listen 127.0.0.1:8090; return 200 \"$host|$uri|$args|$request|$cookie_id|$arg_user|$proxy_add_x_forwarded_for|$remote_addr|$server_port\"; }")
        let value = try #require(config.servers[0].returnAction?.text)
        let text = VariableEvaluator(maps: config.maps, record: r, nowMs: 0).evaluateString(value)
        #expect(text == "example.org|/b c|x=1&user=Ann|GET /a/../b%20c?x=1&user=Ann HTTP/1.1|42|Ann|10.0.0.1, 10.0.0.2, 192.0.2.7|192.0.2.7|8090")
    }

    /// A map variable looks up its source: exact keys, regex keys with captures, default.
    @Test func mapVariables() throws {
        let config = try http("""
            map $http_upgrade $connection_upgrade { default upgrade; '' close; }
            map $arg_user $bucket { ~^(?<first>a)(.*)$ "a-$2"; default other; }
            server { listen 127.0.0.1:8090; return 200 "$connection_upgrade $bucket"; }
            """)
        let value = try #require(config.servers[0].returnAction?.text)
        let plain = try record("GET /?user=alice HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(VariableEvaluator(maps: config.maps, record: plain, nowMs: 0).evaluateString(value) == "close a-lice")
        let upgrade = try record("GET /?user=bob HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n")
        #expect(VariableEvaluator(maps: config.maps, record: upgrade, nowMs: 0).evaluateString(value) == "upgrade other")
    }

    /// log_format renders literals as written and escapes variable values by its mode.
    @Test func logFormatRendering() throws {
        let config = try http("""
            log_format j escape=json '{"u":"$request_uri","a":"$http_user_agent","s":$status}';
            log_format d '$remote_addr "$http_user_agent" $http_referer';
            server { listen 127.0.0.1:8090; }
            """)
        let r = try record("GET /q?x=\"y\" HTTP/1.1\r\nHost: a\r\nUser-Agent: say \"hi\" \\o/\r\n\r\n")
        r.status = 200
        let evaluator = VariableEvaluator(maps: config.maps, record: r, nowMs: 0)
        let json = String(decoding: AccessLogLine.render(try #require(config.logFormat(named: "j")), evaluator: evaluator), as: UTF8.self)
        #expect(json == #"{"u":"/q?x=\"y\"","a":"say \"hi\" \\o/","s":200}"#)
        let plain = String(decoding: AccessLogLine.render(try #require(config.logFormat(named: "d")), evaluator: evaluator), as: UTF8.self)
        #expect(plain == #"192.0.2.7 "say \x22hi\x22 \x5Co/" -"#)
    }

    /// proxy_pass with a URI part replaces the matched location prefix; without one the
    /// target passes as the client sent it.
    @Test func proxyPassURIReplacement() throws {
        let config = try http("""
            server { listen 127.0.0.1:8090;
                location /one/ { proxy_pass http://127.0.0.1:9000/two/; }
                location /raw/ { proxy_pass http://127.0.0.1:9000; }
            }
            """)
        let locations = config.servers[0].locations
        let r = try record("GET /one/a%20b/c?k=v HTTP/1.1\r\nHost: a\r\n\r\n")
        let replaced = ProxyPassURI.target(proxyPass: try #require(locations[0].proxyPass), locationPrefix: locations[0].pattern, record: r)
        #expect(String(decoding: replaced, as: UTF8.self) == "/two/a%20b/c?k=v")
        let raw = try record("GET /raw/x//y?z HTTP/1.1\r\nHost: a\r\n\r\n")
        let passed = ProxyPassURI.target(proxyPass: try #require(locations[1].proxyPass), locationPrefix: locations[1].pattern, record: raw)
        #expect(String(decoding: passed, as: UTF8.self) == "/raw/x//y?z")
    }
}
