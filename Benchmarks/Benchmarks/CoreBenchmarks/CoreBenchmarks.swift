import Benchmark
import BenchmarkFixtures
import SwitchyardCore
import SwitchyardWire

// SwitchyardCore's request-head rewriter: a parsed client head becomes the head sent
// upstream (hop-by-hop fields dropped, `proxy_set_header` fields applied, framing restated).
// The head is parsed and the plan built before the measurement; one operation is one
// `RequestHeadBuilder.build`.
let benchmarks: @Sendable () -> Void = {
    // The shipped config's WebSocket location (nginx's idiom): Host $host, X-Real-IP,
    // X-Forwarded-For, Upgrade $http_upgrade, Connection $connection_upgrade, evaluated.
    let webSocketPlan = plan(uri: "/chat?room=lobby", [
        ("Host", "app.example.com"), ("X-Real-IP", "203.0.113.7"), ("X-Forwarded-For", "203.0.113.7"),
        ("Upgrade", "websocket"), ("Connection", "upgrade"),
    ])
    // The same location for a plain request: no Upgrade, so the map gives `close`.
    let plainPlan = plan(uri: "/api/v2/orders?status=open&page=2", [
        ("Host", "shop.example.com"), ("X-Real-IP", "203.0.113.7"),
        ("X-Forwarded-For", "203.0.113.7, 198.51.100.23, 127.0.0.1"), ("Upgrade", ""), ("Connection", "close"),
    ])

    // The output array is kept between operations: what the builder itself allocates.
    rewriteBenchmark("RequestHeadBuilder-WebSocket-handshake", HTTPHeads.webSocketHandshake, webSocketPlan, reuseOutput: true)
    rewriteBenchmark("RequestHeadBuilder-40-fields", HTTPHeads.fortyFieldRequest, plainPlan, reuseOutput: true)
    // A new, empty output array each time, as HTTPSession calls it today: adds its growth.
    rewriteBenchmark("RequestHeadBuilder-WebSocket-handshake-fresh-output", HTTPHeads.webSocketHandshake, webSocketPlan, reuseOutput: false)
}

private func plan(uri: String, _ fields: [(String, String)]) -> UpstreamRequestPlan {
    // The lowercased names are made once at load (`ProxyHeaderPlan`), as the router does.
    UpstreamRequestPlan(uri: Array(uri.utf8), version: .http1_1,
                        setFields: fields.map { (Array($0.0.utf8), Array($0.1.utf8)) },
                        setFieldNames: FieldNameSet(fields.map { Array($0.0.lowercased().utf8) }))
}

private func rewriteBenchmark(_ name: String, _ bytes: [UInt8], _ plan: UpstreamRequestPlan, reuseOutput: Bool) {
    let head: RequestHead = bytes.withUnsafeBytes { buffer in
        var parser = HTTPRequestHeadParser()
        guard case .complete(let head, _) = parser.parse(buffer) else { preconditionFailure(name) }
        return head
    }
    Benchmark(name, configuration: Micro.configuration()) { benchmark in
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        bytes.withUnsafeBytes { buffer in
            Micro.measure(benchmark) {
                for _ in benchmark.scaledIterations {
                    if reuseOutput {
                        out.removeAll(keepingCapacity: true)
                    } else {
                        out = []
                    }
                    RequestHeadBuilder.build(head, buffer: buffer, plan: plan, into: &out)
                    blackHole(out)
                }
            }
        }
    }
}
