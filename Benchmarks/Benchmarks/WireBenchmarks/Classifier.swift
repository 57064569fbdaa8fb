import Benchmark
import BenchmarkFixtures
import SwitchyardWire

/// The hybrid port's first decision, made on every connection's peeked bytes; a fresh
/// classifier each time, as for a new connection.
func classifierBenchmarks() {
    let cases: [(name: String, bytes: [UInt8], expected: ProtocolClassification)] = [
        ("Classifier-HTTP-GET", HTTPHeads.fortyFieldRequest, .http),
        ("Classifier-TLS-ClientHello", ClientHello.chrome, .tls(.tls1_0)),
        // Decided at the first byte: 0x15 with this seed, which no protocol starts with.
        ("Classifier-random-512B", Bytes.random(count: 512), .other),
    ]
    for item in cases {
        item.bytes.withUnsafeBytes { precondition(ProtocolClassifier.classify($0) == item.expected, item.name) }
        Benchmark(item.name, configuration: Micro.configuration()) { benchmark in
            item.bytes.withUnsafeBytes { buffer in
                Micro.measure(benchmark) {
                    for _ in benchmark.scaledIterations {
                        blackHole(ProtocolClassifier.classify(buffer))
                    }
                }
            }
        }
    }
}
