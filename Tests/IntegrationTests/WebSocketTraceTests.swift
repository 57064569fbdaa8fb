import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport

extension Integration {
    /// Zero copy after a 101, seen from the kernel's side with strace.
    @Suite struct WebSocketTraceTests {
        /// 4 MiB each way through an upgraded connection under `strace -f`: the tunnel moves
        /// them with splice(2) (at least 16 MiB returned: into and out of a pipe, both ways)
        /// while read/recvfrom/write/sendto return only head-sized amounts: after the 101 no
        /// frame payload enters user space.
        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: SpliceTraceTests.strace), "needs strace"))
        func ws_tunnelPayloadNeverEntersUserSpace() throws {
            let backend = try UpgradeBackend()
            defer { backend.stop() }
            let port = try TCP.freePort()
            let router = try SwitchyardProcess(config: { directory in
                httpConfig(directory, """
                    server {
                        listen 127.0.0.1:\(port);
                        location /ws/ {
                            proxy_pass http://127.0.0.1:\(backend.port);
                            proxy_http_version 1.1;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection upgrade;
                        }
                    }
                    """)
            }, waitForPorts: [port], launcher: {
                [SpliceTraceTests.strace, "-f", "-e", "trace=splice,read,write,recvfrom,sendto", "-o", $0.file("strace.out")]
            }, timeout: 20)
            defer {
                if let pid = readPidFile(router.directory.file("switchyard.pid")), router.exitStatus == nil { kill(pid, SIGKILL) }
                router.stop()
            }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            try TCP.sendAll(fd, "GET /ws/t HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", deadline: Deadline(seconds: 5))
            var head: [UInt8] = []
            while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) && head.count < 8192 {
                head += try TCP.receiveExactly(fd, count: 1, deadline: Deadline(seconds: 10))
            }
            #expect(String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101"), "log:\n\(router.logTail())")

            let echoed = Mutex<StreamDigest?>(nil)
            let reader = try TestThread {
                let digest = try? Transfer.receiveDigest(fd, deadline: Deadline(seconds: 60))
                echoed.withLock { $0 = digest }
            }
            let sent = try Transfer.sendPattern(fd, total: 4 * MiB, seed: 77, chunk: 256 * 1024, deadline: Deadline(seconds: 60))
            TCP.shutdownWrite(fd)
            #expect(reader.join(timeout: 60), "the echo never ended")
            #expect(echoed.withLock { $0 } == sent, "the echo differs from what was sent")

            let routerPid = try #require(readPidFile(router.directory.file("switchyard.pid")), "no pid file")
            kill(routerPid, SIGTERM)
            #expect(router.waitForExit(timeout: 15) != nil, "strace did not exit after the router's SIGTERM")
            let trace = try #require(router.directory.read("strace.out"), "no strace output")
            let totals = SyscallTotals(trace: trace)
            #expect(totals.bytes["splice", default: 0] >= 16 * MiB, "\(totals)")
            let userSpace = ["read", "recvfrom", "write", "sendto"].reduce(0) { $0 + totals.bytes[$1, default: 0] }
            // Heads and log lines only: far below one payload chunk.
            #expect(userSpace < 64 * 1024, "read/write returned \(userSpace) bytes: payload went through user space; \(totals)")
        }
    }
}
