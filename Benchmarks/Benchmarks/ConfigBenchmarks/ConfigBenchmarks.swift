import Benchmark
import BenchmarkFixtures
import Glibc
import SwitchyardConfig
import SwitchyardCore

// SwitchyardConfig: reading a generated 529-line configuration (13 http sites
// with upstreams, WebSocket, regex and exact locations; 5 stream routes). Milliseconds per
// operation, so one operation per sample and fewer samples.
let benchmarks: @Sendable () -> Void = {
    let text = ConfigText.generate(lines: 500)
    precondition(text.utf8.count(where: { $0 == UInt8(ascii: "\n") }) >= 500)
    let file = "/tmp/switchyard-bench-\(getpid()).conf"
    let configuration = Micro.configuration(scaling: .one, maxDuration: .seconds(5), maxIterations: 500)
    do {
        _ = try RuntimeSnapshot(config: ConfigLoader.parse(text: text, file: file))
    } catch {
        preconditionFailure("the generated configuration is invalid: \(error)")
    }

    // Tokens, directive tree, the directive table and the merge, from text in memory.
    Benchmark("Config-parse-500-lines", configuration: configuration) { benchmark in
        try Micro.measure(benchmark) {
            for _ in benchmark.scaledIterations {
                blackHole(try ConfigLoader.parse(text: text, file: file))
            }
        }
    }

    // What `switchyard -t` does: the file read and parsed, then every address resolved into
    // the runtime snapshot.
    Benchmark("Config-test-500-lines", configuration: configuration) { benchmark, path in
        try Micro.measure(benchmark) {
            for _ in benchmark.scaledIterations {
                blackHole(try RuntimeSnapshot(config: ConfigLoader.load(file: path)))
            }
        }
    } setup: {
        try write(text, to: file)
        return file
    } teardown: {
        unlink(file)
    }
}

private struct WriteFailed: Error {
    var path: String
}

private func write(_ text: String, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw WriteFailed(path: path) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    guard written == bytes.count else { throw WriteFailed(path: path) }
}
