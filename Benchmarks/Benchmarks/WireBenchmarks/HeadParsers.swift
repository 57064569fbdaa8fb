import Benchmark
import BenchmarkFixtures
import SwitchyardWire

/// Whole heads, parsed in one call as they arrive in one read. The parser is reused: after
/// `.complete` it is ready for the next head, as on a keep-alive connection.
func headParserBenchmarks() {
    let requests: [(name: String, bytes: [UInt8])] = [
        ("RequestHead-WebSocket-handshake", HTTPHeads.webSocketHandshake),
        ("RequestHead-40-fields", HTTPHeads.fortyFieldRequest),
    ]
    for item in requests {
        item.bytes.withUnsafeBytes { buffer in
            var parser = HTTPRequestHeadParser()
            guard case .complete(_, let length) = parser.parse(buffer), length == buffer.count else {
                preconditionFailure(item.name)
            }
        }
        Benchmark(item.name, configuration: Micro.configuration()) { benchmark in
            item.bytes.withUnsafeBytes { buffer in
                var parser = HTTPRequestHeadParser()
                Micro.measure(benchmark) {
                    for _ in benchmark.scaledIterations {
                        blackHole(parser.parse(buffer))
                    }
                }
            }
        }
    }

    let response = HTTPHeads.okResponse
    response.withUnsafeBytes { buffer in
        var parser = HTTPResponseHeadParser()
        guard case .complete = parser.parse(buffer) else { preconditionFailure("response fixture") }
    }
    Benchmark("ResponseHead-200-12-fields", configuration: Micro.configuration()) { benchmark in
        response.withUnsafeBytes { buffer in
            var parser = HTTPResponseHeadParser()
            Micro.measure(benchmark) {
                for _ in benchmark.scaledIterations {
                    blackHole(parser.parse(buffer))
                }
            }
        }
    }
}
