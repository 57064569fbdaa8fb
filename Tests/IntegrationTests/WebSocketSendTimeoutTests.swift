import Glibc
import Testing
import TestSupport

extension Integration {
    /// `proxy_send_timeout` on an upgraded connection: idle time with no byte to the upstream.
    @Suite struct WebSocketSendTimeoutTests {
        /// An upstream that keeps talking does not keep a tunnel alive whose client never
        /// sends: after proxy_send_timeout (1 s) without a byte to the upstream, both sides
        /// close, although proxy_read_timeout (10 s) is far away.
        @Test func ws_sendTimeoutClosesOneWaySilence() throws {
            let chatty = try ThreadedServer { fd in
                var head: [UInt8] = []
                while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) && head.count < 8192 {
                    guard let byte = try? TCP.receiveExactly(fd, count: 1, deadline: Deadline(seconds: 5)) else { return }
                    head += byte
                }
                let switched = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                try? TCP.sendAll(fd, switched, deadline: Deadline(seconds: 5))
                for _ in 0..<30 {  // a byte every 200 ms for at most 6 s, until the proxy closes
                    usleep(200_000)
                    if (try? TCP.sendAll(fd, [0x2a], deadline: Deadline(seconds: 1))) == nil { return }
                }
            }
            defer { chatty.stop() }
            let (router, port) = try startHTTPServer([location("/ws", [
                "proxy_pass http://127.0.0.1:\(chatty.port);", "proxy_http_version 1.1;",
                "proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection upgrade;",
                "proxy_read_timeout 10s;", "proxy_send_timeout 1s;",
            ])])
            defer { router.stop() }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let started = MonotonicTime.now()
            try TCP.sendAll(fd, "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                            deadline: Deadline(seconds: 5))
            let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: 8))
            let elapsed = MonotonicTime.now() - started
            #expect(end.end == .eof, "client saw \(end.end); log:\n\(router.logTail())")
            #expect(end.bytes > 0, "the upstream's bytes arrived while the tunnel lived")
            #expect(elapsed >= 0.9 && elapsed < 4, "closed after \(elapsed) s")
            #expect(router.log.contains("proxy_send_timeout"), "log:\n\(router.logTail())")
        }
    }
}
