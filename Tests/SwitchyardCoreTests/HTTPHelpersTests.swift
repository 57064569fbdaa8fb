import Testing
@testable import SwitchyardCore

struct VariableEvaluatorTests {
    /// `$cookie_NAME` finds its cookie among several, names compared exactly.
    @Test func cookieLookup() {
        let header = Array("a=1; session=xyz; Session=no".utf8)
        #expect(VariableEvaluator.cookie(named: "session", in: header) == Array("xyz".utf8))
        #expect(VariableEvaluator.cookie(named: "missing", in: header).isEmpty)
    }

    /// `$arg_NAME` finds its argument, the name compared case-insensitively as nginx does,
    /// the value as sent.
    @Test func argumentLookup() {
        let query = Array("userId=42&room=a%20b&flag".utf8)
        #expect(VariableEvaluator.argument(named: "userid", in: query) == Array("42".utf8))
        #expect(VariableEvaluator.argument(named: "room", in: query) == Array("a%20b".utf8))
        #expect(VariableEvaluator.argument(named: "flag", in: query).isEmpty)
        #expect(VariableEvaluator.argument(named: "none", in: query).isEmpty)
    }

    /// `$binary_remote_addr` is 4 bytes for IPv4 and 16 for IPv6, in network order.
    @Test func binaryAddress() {
        #expect(VariableEvaluator.binary("127.0.0.1") == [127, 0, 0, 1])
        #expect(VariableEvaluator.binary("::1").count == 16)
    }

    /// Times print as nginx prints them: seconds with three decimals.
    @Test func secondsFormat() {
        #expect(VariableEvaluator.seconds(1234) == "1.234")
        #expect(VariableEvaluator.seconds(5) == "0.005")
    }
}

struct ProxyPassURITests {
    /// A decoded path is re-escaped for the request line: a decoded space or `?` cannot change
    /// the request upstream.
    @Test func escapesDecodedBytes() {
        #expect(ProxyPassURI.escape("/a b/c?d") == "/a%20b/c%3Fd")
        #expect(ProxyPassURI.escape("/plain/path-1.html") == "/plain/path-1.html")
        #expect(ProxyPassURI.escape("/caf\u{E9}") == "/caf%C3%A9")
    }
}

struct AccessLogLineTests {
    /// nginx's default escaping writes quotes, backslashes, controls and non-ASCII as \xHH,
    /// and an empty value as `-`: a client cannot forge a log line.
    @Test func defaultEscaping() {
        var line: [UInt8] = []
        AccessLogLine.appendDefault(Array("a\"b\\c\nd\u{E9}".utf8), to: &line, emptyAsDash: true)
        #expect(String(decoding: line, as: UTF8.self) == "a\\x22b\\x5Cc\\x0Ad\\xC3\\xA9")
        var empty: [UInt8] = []
        AccessLogLine.appendDefault([], to: &empty, emptyAsDash: true)
        #expect(empty == Array("-".utf8))
    }

    /// JSON escaping keeps the line a valid JSON string.
    @Test func jsonEscaping() {
        var line: [UInt8] = []
        AccessLogLine.appendJSON(Array("say \"hi\"\n\u{1}".utf8), to: &line)
        #expect(String(decoding: line, as: UTF8.self) == "say \\\"hi\\\"\\n\\u0001")
    }
}
