import Glibc
import SwitchyardReactor
import SwitchyardWire

/// `http-seq` and `ws-seq`: N requests on one keep-alive connection, or N echoes on one
/// WebSocket, one after another. For instruction counts under callgrind, where the proxy is
/// slow and only the count matters: each answer is checked, nothing is timed but the total.
enum Sequences {
    static func http(_ options: Options) throws(UsageError) -> Int32 {
        let target = try options.target()
        let path = try options.string("path", default: "/")
        let host = try options.host()
        let count = try options.int("count")
        let deadline = try options.deadline()
        let started = Nanos.now()
        let status = Checks.report("http-seq") { () throws(Checks.CheckFailure) in
            let socket = try Checks.connect(target, deadline)
            let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8)
            var response = ResponseBuffer()
            for index in 0..<count {
                try Checks.send(socket, request, deadline)
                let headEnd = try response.readHead(socket, deadline)
                let code = response.withHead(headEnd) { HeadScan.statusCode($0) }
                guard code == 200 else { throw Checks.CheckFailure("request \(index + 1): status \(code.map(String.init) ?? "unreadable")") }
                let body = try response.readBody(socket, headEnd: headEnd, deadline)
                guard body == HTTPResponses.body else { throw Checks.CheckFailure("request \(index + 1): wrong body") }
                response.bytes.removeFirst(headEnd + body.count)
            }
        }
        return finish(status, counted: "requests", count, since: started)
    }

    static func webSocket(_ options: Options) throws(UsageError) -> Int32 {
        let target = try options.target()
        let path = try options.string("path", default: "/ws")
        let host = try options.host()
        let count = try options.int("count")
        let size = try options.int("size", default: 128)
        let deadline = try options.deadline()
        let started = Nanos.now()
        let status = Checks.report("ws-seq") { () throws(Checks.CheckFailure) in
            let socket = try Checks.connect(target, deadline)
            var random = SystemRandomNumberGenerator()
            let key = Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
            try Checks.send(socket, Array(UpgradeRequests.request(path: path, host: host, key: key).utf8), deadline)
            var response = ResponseBuffer()
            let headEnd = try response.readHead(socket, deadline)
            let accept = Array(WebSocketHandshake.acceptValue(forKey: key).utf8)
            if let problem = response.withHead(headEnd, { UpgradeRequests.problem(head: $0, accept: accept) }) {
                throw Checks.CheckFailure("handshake: \(problem)")
            }
            response.bytes.removeFirst(headEnd)
            var reader = ServerFrameReader()
            let mask = UInt32.random(in: 1...UInt32.max, using: &random)
            for index in 0..<count {
                // A different payload each time, so an echo of an earlier message cannot pass.
                let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ index) }
                var masked = payload
                masked.withUnsafeMutableBytes { WebSocketMask.unmask($0, key: mask, offset: 0) }
                try Checks.send(socket, WebSocketFrameWriter.header(opcode: .binary, payloadLength: UInt64(size), mask: mask) + masked, deadline)
                let echoed = try response.readEvent(socket, reader: &reader, expected: payload, deadline)
                guard case .message(let matched) = echoed, matched else {
                    throw Checks.CheckFailure("echo \(index + 1): \(echoed)")
                }
            }
            var close = WSFrameBytes.closeFrame(code: 1000, mask: mask)
            try Checks.send(socket, withUnsafeBytes(of: &close) { Array($0[0..<WSFrameBytes.closeFrameLength]) }, deadline)
            _ = try response.readEvent(socket, reader: &reader, expected: [], deadline)
        }
        return finish(status, counted: "echoes", count, since: started)
    }

    /// The JSON line of a sequence that succeeded; a failed one printed its reason already.
    private static func finish(_ status: Int32, counted name: String, _ count: Int, since started: UInt64) -> Int32 {
        guard status == 0 else { return status }
        var json = JSONLine()
        json.add(name, count)
        json.add("seconds", Double(Nanos.now() - started) / 1e9, decimals: 6)
        Output.line(json.rendered)
        return 0
    }
}
