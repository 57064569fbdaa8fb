import Foundation

/// What wrk printed: requests, rate, latency percentiles, and every kind of error it counts
/// (socket errors and non-2xx/3xx answers), since a fast wrong answer must not count as fast.
struct WrkResult {
    var requests: Double
    var perSecond: Double
    var p50us: Double
    var p99us: Double
    var errors: Double

    init?(_ output: String) {
        var requests: Double?
        var perSecond: Double?
        var p50: Double?
        var p99: Double?
        var errors = 0.0
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = words.first else { continue }
            if words.count >= 2, words[1] == "requests", words.count > 2, words[2] == "in" {
                requests = Double(first)
            } else if first == "Requests/sec:", words.count >= 2 {
                perSecond = Double(words[1])
            } else if first == "50%", words.count >= 2 {
                p50 = Self.microseconds(String(words[1]))
            } else if first == "99%", words.count >= 2 {
                p99 = Self.microseconds(String(words[1]))
            } else if first == "Non-2xx", let last = words.last {
                errors += Double(last) ?? 0
            } else if first == "Socket", line.contains("errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                for word in words { if let n = Double(word.trimmingCharacters(in: [","])) { errors += n } }
            }
        }
        guard let requests, let perSecond, let p50, let p99 else { return nil }
        self.requests = requests
        self.perSecond = perSecond
        self.p50us = p50
        self.p99us = p99
        self.errors = errors
    }

    /// wrk's "1.23ms", "850.00us", "1.02s".
    static func microseconds(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 1.0), ("ms", 1_000.0), ("s", 1_000_000.0)] where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)) { return value * scale }
        }
        return nil
    }
}
