import Benchmark
import Glibc

/// The settings every Switchyard micro benchmark shares.
public enum Micro {
    /// CPU time of the benchmark's own thread (`CLOCK_THREAD_CPUTIME_ID`), in nanoseconds.
    /// package-benchmark's `.cpuTotal` reads /proc in scheduler ticks (10 ms here), which
    /// rounds a sample of microseconds to 0 or 10 ms, and reading it allocates inside the
    /// measured region; this clock has nanosecond resolution and leaves out time the thread
    /// spent descheduled, so it stays close to the truth on a busy 2-core machine where wall
    /// clock does not.
    public static let threadCPU = BenchmarkMetric.custom("Time (thread CPU) (ns)")

    /// Time per operation (wall clock and thread CPU) and mallocs per operation.
    public static let metrics: [BenchmarkMetric] = [.wallClock, threadCPU, .mallocCountTotal]

    /// - Parameters:
    ///   - scaling: operations per measured iteration. Fast operations run 1,000 times per
    ///     sample so the clock reads are spread over many; the figures shown are per
    ///     operation (the `*` columns).
    ///   - maxDuration: each benchmark stops after this long (or `maxIterations` samples),
    ///     whichever comes first.
    public static func configuration(
        scaling: BenchmarkScalingFactor = .kilo,
        maxDuration: Duration = .seconds(3),
        maxIterations: Int = 10_000
    ) -> Benchmark.Configuration {
        .init(
            metrics: metrics,
            units: [threadCPU: .count],
            warmupIterations: 10,
            scalingFactor: scaling,
            maxDuration: maxDuration,
            maxIterations: maxIterations,
            thresholds: [.mallocCountTotal: mallocTolerance(scaling)]
        )
    }

    /// Measures `body` (the operation loop) and nothing before it: wall clock and mallocs
    /// through package-benchmark's start and stop, thread CPU around the same span.
    public static func measure(_ benchmark: Benchmark, _ body: () throws -> Void) rethrows {
        benchmark.startMeasurement()
        let start = threadCPUNanoseconds()
        try body()
        let end = threadCPUNanoseconds()
        benchmark.stopMeasurement()
        benchmark.measurement(threadCPU, end - start)
    }

    private static func threadCPUNanoseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return now.tv_sec * 1_000_000_000 + now.tv_nsec
    }

    /// How far a run's p90 malloc count may move from the committed threshold before
    /// `benchmark thresholds check` calls it a regression (or an improvement to commit).
    /// Counts are compared per measured iteration, before dividing by `scaling`. For the
    /// per-request benchmarks (1,000 operations per sample) that is less than half an
    /// allocation per operation: one more allocation per operation always fails. The floor
    /// of 32 absorbs the config parser's run-to-run variation (a few out of 4,600).
    static func mallocTolerance(_ scaling: BenchmarkScalingFactor) -> BenchmarkThresholds {
        BenchmarkThresholds(absolute: [.p90: max(scaling.rawValue / 2, 32)])
    }
}
