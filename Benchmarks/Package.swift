// swift-tools-version: 6.1
import PackageDescription

// Switchyard's micro benchmarks: a package of their own, so the root package's `swift build`
// and `swift test` never resolve or compile package-benchmark. One executable per measured
// module, as swift-nio does; package-benchmark's plugin finds them under `Benchmarks/`.

// SwiftPM names a `path:` dependency after its folder, not its manifest's `name`, so the root
// package is whatever the clone's folder is called (`main`, `switchyard`, ...). Declared before
// `package`: a manifest's globals are initialized in order.
let root = String(#filePath.split(separator: "/").dropLast(2).last ?? "switchyard").lowercased()

/// A benchmark executable for `modules` (products of the root package), its sources in
/// `Benchmarks/<name>/`.
func benchmark(_ name: String, modules: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark"), "BenchmarkFixtures"]
            + modules.map { .product(name: $0, package: root) },
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "SwitchyardBenchmarks",
    dependencies: [
        .package(path: ".."),
        // Only the MallocInterposer trait: it counts mallocs on Swift 6.3 with no system
        // library (jemalloc is for Swift 6.2 and older). The default traits would also pull
        // the ARC runtime interposer, which these metrics do not use.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Fixtures (heads, a ClientHello, frames, a generated config) and shared settings.
        .target(name: "BenchmarkFixtures", dependencies: [.product(name: "Benchmark", package: "benchmark")]),
        benchmark("WireBenchmarks", modules: ["SwitchyardWire"]),
        benchmark("ConfigBenchmarks", modules: ["SwitchyardConfig", "SwitchyardCore"]),
        benchmark("ReactorBenchmarks", modules: ["SwitchyardReactor"]),
        benchmark("CoreBenchmarks", modules: ["SwitchyardCore", "SwitchyardWire"]),
        // The end-to-end runner's tools (`e2e/run` builds and calls them): loopback backends and
        // load clients on the router's own reactor, and the runner that starts each proxy,
        // measures it and writes the tables. Neither depends on package-benchmark, and they
        // sit below `e2e/`: the benchmark plugin runs every executable whose folder is
        // directly in a folder named `Benchmarks`.
        .executableTarget(
            name: "sy-load",
            dependencies: [.product(name: "SwitchyardReactor", package: root), .product(name: "SwitchyardWire", package: root)],
            path: "e2e/Load"
        ),
        .executableTarget(name: "sy-bench", path: "e2e/Runner"),
    ],
    swiftLanguageModes: [.v6]
)
