// swift-tools-version: 6.1
import PackageDescription

// Switchyard: a stream-level L4/L7 hybrid router. Targets are layered as in the README's
// architecture table; a lower target never imports a higher one.
// Release builds skip the run-time exclusivity checks (about a tenth of an HTTP request's
// instructions under callgrind); debug builds, which the tests run, keep them, so an access
// conflict still fails there.
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "switchyard",
    products: [
        .executable(name: "switchyard", targets: ["switchyard"]),
        .library(name: "SwitchyardCore", targets: ["SwitchyardCore"]),
        .library(name: "SwitchyardConfig", targets: ["SwitchyardConfig"]),
        .library(name: "SwitchyardReactor", targets: ["SwitchyardReactor"]),
        // For the micro benchmarks (Benchmarks/, a separate package), which measure its parsers.
        .library(name: "SwitchyardWire", targets: ["SwitchyardWire"]),
    ],
    targets: [
        // The only C in the product: GNU-only syscalls and C macros Swift's Glibc hides.
        .target(name: "CSwitchyardShims"),
        .target(name: "SwitchyardReactor", dependencies: ["CSwitchyardShims"], swiftSettings: releaseSettings),
        .target(name: "SwitchyardConfig", swiftSettings: releaseSettings),
        .target(name: "SwitchyardWire", swiftSettings: releaseSettings),
        .target(name: "SwitchyardCore", dependencies: ["SwitchyardReactor", "SwitchyardConfig", "SwitchyardWire"],
                swiftSettings: releaseSettings),
        .executableTarget(name: "switchyard", dependencies: ["SwitchyardCore"], swiftSettings: releaseSettings),

        // Test support: a fast checksum in C (debug Swift is too slow to hash 512 MiB) and
        // blocking-socket helpers shared by the integration tests.
        .target(name: "CTestSupport", path: "Tests/CTestSupport"),
        .target(name: "TestSupport", dependencies: ["CTestSupport"], path: "Tests/TestSupport"),
        .testTarget(name: "SwitchyardReactorTests", dependencies: ["SwitchyardReactor", "TestSupport"]),
        .testTarget(name: "SwitchyardConfigTests", dependencies: ["SwitchyardConfig"]),
        .testTarget(name: "SwitchyardWireTests", dependencies: ["SwitchyardWire"]),
        .testTarget(name: "SwitchyardCoreTests", dependencies: ["SwitchyardCore"]),
        // Depends on the executable so `swift test` builds the binary these tests start.
        .testTarget(name: "IntegrationTests", dependencies: ["switchyard", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
