import Benchmark

// SwitchyardWire: the byte-level parsers every connection goes through (see each file).
// Names avoid spaces and `/`: they become the threshold files' names.
let benchmarks: @Sendable () -> Void = {
    classifierBenchmarks()
    headParserBenchmarks()
    clientHelloBenchmarks()
    webSocketFrameBenchmarks()
}
