import Glibc
import Testing
import TestSupport

extension Integration {
    /// Streaming with bounded buffers: a slow client never makes the router hold a whole
    /// response.
    @Suite struct HTTPStreamingTests {
        /// A 1 GiB Content-Length response through a client that first reads 4 KiB every
        /// 50 ms for 5 s: the router's RSS stays under 64 MiB above what it was before the
        /// request all that time; then the client reads at full speed (RSS sampled every
        /// 64 MiB, under the same bound) and gets every byte (count and hash) and EOF.
        @Test func http_slowReaderLargeResponseBoundedMemory() throws {
            let total = 1024 * MiB
            let seed: UInt64 = 0x5107_DEAD
            let bigHead = Array("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: \(total)\r\n\r\n".utf8)
            let backend = try RecordingHTTPBackend(timeout: 240) { request in
                request.target == "/big" ? .pattern(head: bigHead, total: total, seed: seed) : .response(body: "warm")
            }
            let (router, port) = try startHTTPProxy(to: backend.port, readTimeout: "60s")
            defer { router.stop(); backend.stop() }

            // A first exchange makes the router allocate what any request needs.
            let warm = try HTTPClient.exchange(port: port, HTTPClient.request("/app/warm"))
            #expect(warm.text == "warm", "\(warm); log:\n\(router.logTail())")
            let baseline = try #require(ProcessMemory.residentBytes(router.pid), "no RSS for the router")
            let limit = 64 * MiB

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let reader = BufferedReader(fd: fd)
            try TCP.sendAll(fd, HTTPClient.request("/app/big", headers: ["Connection: close"]), deadline: Deadline(seconds: 5))

            // The throttled phase: small reads with pauses, the router's RSS sampled at each.
            var peak = baseline
            let slowPhase = Deadline(seconds: 5)
            for _ in 0..<500 where !slowPhase.hasPassed {
                _ = try reader.fill(deadline: Deadline(seconds: 5), chunk: 4096)
                if let rss = ProcessMemory.residentBytes(router.pid) { peak = max(peak, rss) }
                MonotonicTime.sleep(0.05)
            }
            let slowBytes = reader.pending.count
            // Let anything the router was about to buffer show up in the sample.
            MonotonicTime.sleep(0.5)
            if let rss = ProcessMemory.residentBytes(router.pid) { peak = max(peak, rss) }
            #expect(peak - baseline < limit,
                    "router RSS grew by \((peak - baseline) / MiB) MiB (from \(baseline / MiB) MiB) while the client had read \(slowBytes) bytes")

            // Then everything, at full speed.
            let headBytes = try #require(try reader.readHead(deadline: Deadline(seconds: 5)), "no response head; log:\n\(router.logTail())")
            let head = HTTPHead(headBytes)
            #expect(head.status == 200, "\(head)")
            expectField("Content-Length", "\(total)", in: head, "client")
            var received = StreamDigest(reader.take(reader.pending.count))
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Transfer.defaultChunk, alignment: 16)
            defer { buffer.deallocate() }
            let deadline = Deadline(seconds: 180)
            // The router's RSS sampled every 64 MiB of the fast phase, too.
            var fastPeak = baseline
            var nextSample = received.count + 64 * MiB
            while received.count < total {
                let n = try TCP.receiveSome(fd, into: buffer, deadline: deadline)
                if n == 0 { break }
                received.add(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                if received.count >= nextSample {
                    nextSample += 64 * MiB
                    if let rss = ProcessMemory.residentBytes(router.pid) { fastPeak = max(fastPeak, rss) }
                }
            }
            #expect(fastPeak - baseline < limit,
                    "router RSS grew by \((fastPeak - baseline) / MiB) MiB (from \(baseline / MiB) MiB) while the client read at full speed")
            let expected = Transfer.patternDigest(total: total, seed: seed)
            #expect(received.count == total, "client got \(received.count) of \(total) body bytes; log:\n\(router.logTail())")
            #expect(received == expected, "client got \(received), upstream sent \(expected)")
            let end = TCP.waitForEnd(fd, deadline: Deadline(seconds: 5))
            #expect(end.end == .eof && end.bytes == 0, "after the body: \(end.bytes) more bytes, then \(end.end)")
        }
    }
}
