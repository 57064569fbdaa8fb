/// One measured thing, and how its figures read.
struct Scenario: Sendable {
    var id: String
    var title: String
    /// The headline figure's name and unit ("req/s").
    var unit: String
    var higherIsBetter: Bool
    /// What the CPU column counts per ("CPU-s per 100k requests"), nil where CPU is not the point.
    var cpuUnit: String?
    /// How many units of work the CPU figure is per (100,000 requests, 1 GiB).
    var cpuScale: Double
    var hasLatency: Bool
    /// Whether the hybrid contenders run it too.
    var onHybrid: Bool

    static let all: [Scenario] = [
        Scenario(
            id: "tcp-bulk-up", title: "TCP bulk, 4 GiB client → server", unit: "Gbit/s", higherIsBetter: true,
            cpuUnit: "CPU-s/GiB", cpuScale: 1_073_741_824, hasLatency: false, onHybrid: true),
        Scenario(
            id: "tcp-bulk-down", title: "TCP bulk, 4 GiB server → client", unit: "Gbit/s", higherIsBetter: true,
            cpuUnit: "CPU-s/GiB", cpuScale: 1_073_741_824, hasLatency: false, onHybrid: true),
        Scenario(
            id: "tcp-short", title: "10,000 TCP connections × 64 KiB", unit: "conn/s", higherIsBetter: true,
            cpuUnit: "CPU-s/10k conn", cpuScale: 10_000, hasLatency: false, onHybrid: true),
        Scenario(
            id: "http-keepalive", title: "HTTP keep-alive, upstream pool (wrk -c50)", unit: "req/s", higherIsBetter: true,
            cpuUnit: "CPU-s/100k req", cpuScale: 100_000, hasLatency: true, onHybrid: true),
        Scenario(
            id: "ws-echo-128", title: "WebSocket echo, 50 conn × 128 B", unit: "msg/s", higherIsBetter: true,
            cpuUnit: "CPU-s/100k msg", cpuScale: 100_000, hasLatency: true, onHybrid: true),
        Scenario(
            id: "ws-echo-16k", title: "WebSocket echo, 10 conn × 16 KiB", unit: "msg/s", higherIsBetter: true,
            cpuUnit: "CPU-s/100k msg", cpuScale: 100_000, hasLatency: true, onHybrid: true),
        Scenario(
            id: "ws-handshake", title: "WebSocket handshakes (connect, upgrade, close), 50 at once", unit: "handshakes/s",
            higherIsBetter: true, cpuUnit: "CPU-s/10k hs", cpuScale: 10_000, hasLatency: true, onHybrid: true),
        Scenario(
            id: "ws-idle", title: "8,000 idle WebSocket tunnels", unit: "proxy RSS B/conn", higherIsBetter: false,
            cpuUnit: nil, cpuScale: 1, hasLatency: false, onHybrid: false),
    ]
}

/// One run of one scenario through one proxy.
struct Sample: Codable, Sendable {
    var scenario: String
    var proxy: String
    var run: Int
    /// The headline figure in the scenario's unit.
    var figure: Double
    /// Proxy CPU-seconds per the scenario's unit of work.
    var cpu: Double?
    var p50us: Double?
    var p99us: Double?
    /// Anything else worth keeping (kernel memory per tunnel, errors, raw counts).
    var extra: [String: Double]
    /// Why the figure is missing or suspect.
    var problem: String?
}
