import Benchmark
import BenchmarkFixtures
import SwitchyardReactor

// SwitchyardReactor's RingBuffer: the copy path's buffer (tunnels with `proxy_splice off`,
// TLS and WebSocket inspection). One operation: a 4 KiB chunk written in (`append`, as a
// `recv` would fill `writableRegion`) and read out (`peek` + `didRead`, as a `send` would
// drain `readableRegion`), through a 16 KiB ring, the size a tunnel direction uses.
let benchmarks: @Sendable () -> Void = {
    // The ring empties after every chunk, so it rewinds and each chunk is one contiguous run.
    ringBenchmark("RingBuffer-4KiB-write-read", leftBehind: 0)
    // 1,000 bytes stay behind (a slow reader), so the ring never rewinds: chunks go round it
    // and one in four is split across its end.
    ringBenchmark("RingBuffer-4KiB-wrapping", leftBehind: 1000)
}

private func ringBenchmark(_ name: String, leftBehind: Int) {
    let chunk = Bytes.random(count: 4096)
    Benchmark(name, configuration: Micro.configuration()) { benchmark in
        let ring = RingBuffer(capacity: 16 * 1024)
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk.count, alignment: 16)
        defer { out.deallocate() }
        chunk.withUnsafeBytes { chunk in
            _ = ring.append(UnsafeRawBufferPointer(rebasing: chunk[0..<leftBehind]))
            Micro.measure(benchmark) {
                for _ in benchmark.scaledIterations {
                    _ = ring.append(chunk)
                    ring.didRead(ring.peek(into: out))
                }
            }
        }
        precondition(ring.readableCount == leftBehind)
        blackHole(out[0])
    }
}
