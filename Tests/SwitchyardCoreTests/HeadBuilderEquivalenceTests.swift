import SwitchyardWire
import Testing
@testable import SwitchyardCore

// The head builders copy whole field lines, compare names a word at a time and write into
// capacity reserved up front. These tests hold them to a plain rebuild, written the obvious
// way (lower-cased names, string lists, an append per piece), on random heads: field order,
// name case, separators, line ends, Connection lists and plans all vary.

/// SplitMix64: a fixed seed gives the same heads on every run.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What the builders did before they were made fast, piece by piece.
private enum PlainRebuild {
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]

    static func lower(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The names Connection fields list: split at commas, SP and HTAB trimmed, fixed names left out.
    static func named(_ headers: [HTTPHeaderField], _ buffer: UnsafeRawBufferPointer) -> Set<String> {
        var names: Set<String> = []
        for field in headers where lower(buffer[field.name.range]) == "connection" {
            for token in Array(buffer[field.value.range]).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                let trimmed = token.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
                let name = lower(trimmed)
                if !name.isEmpty && !hopByHop.contains(name) { names.insert(name) }
            }
        }
        return names
    }

    static func line(_ name: some Sequence<UInt8>, _ value: some Sequence<UInt8>) -> [UInt8] {
        Array(name) + Array(": ".utf8) + Array(value) + Array("\r\n".utf8)
    }

    static func request(_ head: RequestHead, _ buffer: UnsafeRawBufferPointer, _ plan: UpstreamRequestPlan) -> [UInt8] {
        var out = Array(buffer[head.method.range]) + [UInt8(ascii: " ")] + plan.uri
        out += Array((plan.version == .http1_1 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n").utf8)
        for field in plan.setFields where !field.value.isEmpty { out += line(field.name, field.value) }
        if plan.passRequestHeaders {
            let dropped = hopByHop.union(["expect", "content-length"]).union(plan.setFields.map { lower($0.name) })
                .union(named(head.headers, buffer))
            for field in head.headers where !dropped.contains(lower(buffer[field.name.range])) {
                out += line(buffer[field.name.range], buffer[field.value.range])
            }
        }
        if plan.passRequestBody {
            switch head.bodyFraming {
            case .none: break
            case .contentLength(let length): out += Array("Content-Length: \(length)\r\n".utf8)
            case .chunked: out += Array("Transfer-Encoding: chunked\r\n".utf8)
            }
        }
        return out + Array("\r\n".utf8)
    }

    static func response(_ head: ResponseHead, _ buffer: UnsafeRawBufferPointer, _ plan: ClientResponsePlan) -> [UInt8] {
        var out = Array("HTTP/1.1 \(head.status) ".utf8)
        out += head.reason.isEmpty ? Array(HTTPStatus.reason(head.status).utf8) : Array(buffer[head.reason.range])
        out += Array("\r\nServer: switchyard\r\nDate: \(plan.date)\r\n".utf8)
        let hidden = Set(plan.hidden.names.map { lower($0) })
        let dropped = hopByHop.union(["content-length"]).union(hidden).union(named(head.headers, buffer))
        for field in head.headers where !dropped.contains(lower(buffer[field.name.range])) {
            let name = lower(buffer[field.name.range])
            if let redirect = plan.redirect, name == "location" || name == "refresh",
               let rewritten = rewrite(Array(buffer[field.value.range]), redirect) {
                out += line(buffer[field.name.range], rewritten)
            } else {
                out += line(buffer[field.name.range], buffer[field.value.range])
            }
        }
        if head.isChunked {
            if !plan.dechunked { out += Array("Transfer-Encoding: chunked\r\n".utf8) }
        } else if let length = head.contentLength {
            out += Array("Content-Length: \(length)\r\n".utf8)
        }
        if head.isSwitchingProtocols {
            if let upgrade = head.upgrade { out += line("Upgrade".utf8, buffer[upgrade.range]) }
            out += Array("Connection: upgrade\r\n".utf8)
        } else {
            out += Array((plan.keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n").utf8)
            if plan.keepAlive, let seconds = plan.keepAliveHeaderSeconds { out += Array("Keep-Alive: timeout=\(seconds)\r\n".utf8) }
        }
        for field in plan.added { out += line(field.name, field.value) }
        return out + Array("\r\n".utf8)
    }

    static func rewrite(_ value: [UInt8], _ redirect: (from: [UInt8], to: [UInt8])) -> [UInt8]? {
        let text = lower(value)
        var start = 0
        if let marker = text.utf8.indices.firstIndex(where: { text.utf8[$0...].starts(with: "url=".utf8) }) {
            start = text.utf8.distance(from: text.utf8.startIndex, to: marker) + 4
        }
        guard value.count - start >= redirect.from.count,
              lower(value[start..<(start + redirect.from.count)]) == lower(redirect.from) else { return nil }
        return Array(value[..<start]) + redirect.to + Array(value[(start + redirect.from.count)...])
    }
}

/// Random heads and plans.
private struct HeadMaker {
    var random: SeededGenerator

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func pick<T>(_ choices: [T]) -> T { choices.randomElement(using: &random)! }

    /// `name` with each letter's case flipped at random.
    mutating func cased(_ name: String) -> String {
        String(name.map { chance(30) ? Character($0.isUppercase ? $0.lowercased() : $0.uppercased()) : $0 })
    }

    mutating func line(_ name: String, _ value: String) -> String {
        let separator = chance(75) ? ": " : pick([":", ":  ", ":\t", ": \t "])
        let trailing = chance(85) ? "" : pick([" ", "\t", "  "])
        return cased(name) + separator + value + trailing + (chance(85) ? "\r\n" : "\n")
    }

    static let connectionValues = [
        "keep-alive", "close", "Upgrade", "X-Secret, keep-alive", "x-a,  X-B ", "te", "", "X-Hop", " , X-A,,close", "Keep-Alive, Upgrade",
    ]

    mutating func fields(_ pool: [(String, [String])], count: Int) -> String {
        var text = ""
        for _ in 0..<count {
            let (name, values) = pick(pool)
            text += line(name, pick(values))
        }
        return text
    }

    mutating func request() -> String {
        let version = chance(80) ? "HTTP/1.1" : "HTTP/1.0"
        var text = pick(["GET", "POST", "PUT", "HEAD"]) + " " + pick(["/", "/a?b=1", "/chat"]) + " " + version
        text += chance(85) ? "\r\n" : "\n"
        var lines: [String] = []
        if version == "HTTP/1.1" || chance(50) { lines.append(line("Host", pick(["example.org", "127.0.0.1:8080", ""]))) }
        if chance(30) { lines.append(line("Content-Length", pick(["0", "5", "1234567"]))) } else if version == "HTTP/1.1" && chance(15) {
            lines.append(line("Transfer-Encoding", "chunked"))
        }
        let pool: [(String, [String])] = [
            ("Connection", Self.connectionValues), ("Keep-Alive", ["timeout=5"]), ("Proxy-Connection", ["keep-alive"]),
            ("TE", ["trailers"]), ("Trailer", ["X-T"]), ("Upgrade", ["websocket"]), ("Expect", ["100-continue"]),
            ("X-Secret", ["42"]), ("X-A", ["a"]), ("X-B", ["b", ""]), ("X-Hop", ["1"]), ("Accept", ["*/*"]),
            ("User-Agent", ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"]),
            ("Cookie", ["session=8f2c1e9a7b3d4c5e6f70; theme=dark"]), ("Accept-Encoding", ["gzip, deflate, br"]),
            ("X-Real-IP", ["10.0.0.1"]), ("Sec-WebSocket-Key", ["dGhlIHNhbXBsZSBub25jZQ=="]), ("X-Empty", [""]),
            ("Sec-WebSocket-Extensions", ["permessage-deflate; client_max_window_bits"]),
        ]
        lines += fields(pool, count: Int.random(in: 0...14, using: &random)).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map { $0 + "\n" }
        lines.shuffle(using: &random)
        return text + lines.joined() + (chance(85) ? "\r\n" : "\n")
    }

    mutating func requestPlan() -> UpstreamRequestPlan {
        var setFields: [(name: [UInt8], value: [UInt8])] = []
        let pool: [(String, [String])] = [
            ("Host", ["backend", "127.0.0.1:19102"]), ("Connection", ["", "close", "upgrade", "keep-alive"]),
            ("X-Real-IP", ["203.0.113.7"]), ("Upgrade", ["websocket", ""]), ("Accept-Encoding", [""]),
            ("X-Forwarded-For", ["203.0.113.7, 198.51.100.23, 127.0.0.1"]), ("X-A", [""]),
        ]
        for (name, values) in pool where chance(45) { setFields.append((Array(cased(name).utf8), Array(pick(values).utf8))) }
        setFields.shuffle(using: &random)
        let names = chance(50) ? FieldNameSet(setFields.map { Array(PlainRebuild.lower($0.name).utf8) }) : nil
        return UpstreamRequestPlan(uri: Array(pick(["/", "/up?x=1", "/chat?room=lobby"]).utf8), version: chance(70) ? .http1_1 : .http1_0,
                                   setFields: setFields, passRequestHeaders: chance(90), passRequestBody: chance(85), setFieldNames: names)
    }

    mutating func response() -> String {
        let status = pick([200, 200, 204, 301, 302, 304, 101, 404, 500, 599])
        var text = pick(["HTTP/1.1", "HTTP/1.0"]) + " \(status) " + (chance(85) ? HTTPStatus.reason(status) : pick(["", "Fine Thanks"]))
        text += chance(85) ? "\r\n" : "\n"
        var lines: [String] = []
        if chance(60) { lines.append(line("Content-Length", pick(["0", "13", "1832"]))) } else if chance(30) {
            lines.append(line("Transfer-Encoding", "chunked"))
        }
        let pool: [(String, [String])] = [
            ("Server", ["gunicorn"]), ("Date", ["Mon, 01 Jan 2024 00:00:00 GMT"]), ("Content-Type", ["text/plain", "application/json"]),
            ("Connection", Self.connectionValues), ("Keep-Alive", ["timeout=5"]), ("X-Hop", ["1"]), ("X-Secret", ["s"]),
            ("X-Accel-Redirect", ["/internal"]), ("X-Pad", ["avoid browser bug"]), ("Set-Cookie", ["a=b; Path=/"]),
            ("Location", ["http://app/two/next?x=1", "HTTP://APP/two/", "https://elsewhere/two/", "http://app/tw"]),
            ("Refresh", ["5; url=http://app/two/r", "5; URL=http://App/two/", "5"]), ("Upgrade", ["websocket"]),
            ("ETag", ["W/\"728-18f7a3b2c1d\""]), ("X-Empty", [""]), ("Vary", ["Accept-Encoding, Origin"]),
            ("Strict-Transport-Security", ["max-age=31536000; includeSubDomains"]),
        ]
        lines += fields(pool, count: Int.random(in: 0...12, using: &random)).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map { $0 + "\n" }
        lines.shuffle(using: &random)
        return text + lines.joined() + (chance(85) ? "\r\n" : "\n")
    }

    mutating func responsePlan() -> ClientResponsePlan {
        let hidden: FieldNameSet = pick([ClientResponsePlan.defaultHidden, [], FieldNameSet(strings: ["X-Hop", "set-cookie", "date"])])
        var added: [(name: [UInt8], value: [UInt8])] = []
        if chance(30) { added.append((Array("X-Frame-Options".utf8), Array("DENY".utf8))) }
        if chance(20) { added.append((Array("Set-Cookie".utf8), Array("route=a1b2; Path=/; HttpOnly".utf8))) }
        var plan = ClientResponsePlan(keepAlive: chance(70), hidden: hidden, added: added,
                                      date: pick(["Sun, 06 Nov 1994 08:49:37 GMT", "d", ""]))
        plan.dechunked = chance(20)
        plan.keepAliveHeaderSeconds = pick([nil, 60, -5, Int64.max])
        if chance(40) {
            plan.redirect = pick([(Array("http://app/two/".utf8), Array("/one/".utf8)),
                                  (Array("HTTP://app/two/".utf8), Array("/a/much/longer/replacement/than/the/original/prefix/".utf8))])
        }
        return plan
    }
}

struct HeadBuilderEquivalenceTests {
    @Test func requestsMatchPlainRebuild() {
        var maker = HeadMaker(random: SeededGenerator(state: 1))
        var checked = 0
        for _ in 0..<3000 {
            let bytes = Array(maker.request().utf8)
            let plan = maker.requestPlan()
            // Into an empty array, one with bytes already in it, and one with room reserved.
            var out: [UInt8] = maker.pick([[], Array("prefix".utf8)])
            if maker.chance(50) { out.reserveCapacity(1024) }
            let prefix = out
            bytes.withUnsafeBytes { buffer in
                var parser = HTTPRequestHeadParser()
                guard case .complete(let head, _) = parser.parse(buffer) else { return }
                RequestHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
                let expected = prefix + PlainRebuild.request(head, buffer, plan)
                #expect(String(decoding: out, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
                        "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
                checked += 1
            }
        }
        #expect(checked > 1500)
    }

    @Test func responsesMatchPlainRebuild() {
        var maker = HeadMaker(random: SeededGenerator(state: 2))
        var checked = 0
        for _ in 0..<3000 {
            let bytes = Array(maker.response().utf8)
            let plan = maker.responsePlan()
            var out: [UInt8] = maker.pick([[], Array("prefix".utf8)])
            if maker.chance(50) { out.reserveCapacity(1024) }
            let prefix = out
            bytes.withUnsafeBytes { buffer in
                var parser = HTTPResponseHeadParser()
                guard case .complete(let head, _) = parser.parse(buffer) else { return }
                ResponseHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
                let expected = prefix + PlainRebuild.response(head, buffer, plan)
                #expect(String(decoding: out, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
                        "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
                checked += 1
            }
        }
        #expect(checked > 1500)
    }

    /// The caller reserves room once and reuses the array: a head that fits is written where
    /// the array already is.
    @Test func reservedArrayIsNotReallocated() {
        let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:19112\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"
        let plan = UpstreamRequestPlan(uri: Array("/".utf8), version: .http1_1,
                                       setFields: [(Array("Host".utf8), Array("127.0.0.1:19102".utf8)), (Array("Connection".utf8), [])])
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        let storage = out.withUnsafeBufferPointer { $0.baseAddress }
        Array(request.utf8).withUnsafeBytes { buffer in
            var parser = HTTPRequestHeadParser()
            guard case .complete(let head, _) = parser.parse(buffer) else {
                Issue.record("fixture did not parse")
                return
            }
            for _ in 0..<3 {
                out.removeAll(keepingCapacity: true)
                RequestHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
                #expect(out.withUnsafeBufferPointer { $0.baseAddress } == storage)
            }
        }
        #expect(String(decoding: out, as: UTF8.self)
            == "GET / HTTP/1.1\r\nHost: 127.0.0.1:19102\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n")
    }
}
