import Foundation

/// sy-bench's command line.
struct Options {
    var switchyard = ""
    var load = ""
    var results = "Benchmarks/results"
    var repeats = 3
    var seconds = 8
    var bulkBytes = 4 << 30
    var shortCount = 10_000
    var idleCount = 8_000
    var scenarios = Scenario.all.map(\.id)
    var proxies = ProxyLineup.allIDs
    var callgrind = true
    var portBase = 19_100
    var proxyCPU = 0
    var loadCPU = 1
    /// Write each proxy's configuration here and stop, to read or reuse them.
    var configsOnly: String?

    static let usage = """
        usage: sy-bench --switchyard BIN --load BIN [options]   (Benchmarks/e2e/run passes the first two)
          --repeats N        runs of each scenario, median reported (default 3)
          --seconds S        length of each timed run (default 8)
          --quick            1 repeat, 3 s runs, 1 GiB bulk, 2,000 short connections, 2,000 idle tunnels
          --scenarios A,B    only these (default all): \(Scenario.all.map(\.id).joined(separator: ","))
          --proxies A,B      only these (default all): \(ProxyLineup.allIDs.joined(separator: ","))
          --no-callgrind     skip the instruction counts
          --results DIR      where the tables go (default Benchmarks/results)
          --port-base N      loopback ports N+1 ... N+14 (default 19100)
          --configs DIR      write every proxy's configuration into DIR and stop
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw RunnerError("\(arguments[index - 1]) needs a value\n\(usage)") }
            return arguments[index]
        }
        func number() throws -> Int {
            let text = try value()
            guard let n = Int(text), n > 0 else { throw RunnerError("\(arguments[index - 1]) needs a positive number, not \(text)") }
            return n
        }
        func list(_ known: [String]) throws -> [String] {
            let items = try value().split(separator: ",").map(String.init)
            for item in items where !known.contains(item) {
                throw RunnerError("unknown \"\(item)\"; known: \(known.joined(separator: ", "))")
            }
            return known.filter { items.contains($0) }
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--switchyard": options.switchyard = try value()
            case "--load": options.load = try value()
            case "--results": options.results = try value()
            case "--repeats": options.repeats = try number()
            case "--seconds": options.seconds = try number()
            case "--port-base": options.portBase = try number()
            case "--quick":
                options.repeats = 1
                options.seconds = 3
                options.bulkBytes = 1 << 30
                options.shortCount = 2_000
                options.idleCount = 2_000
            case "--scenarios": options.scenarios = try list(Scenario.all.map(\.id))
            case "--proxies": options.proxies = try list(ProxyLineup.allIDs)
            case "--no-callgrind": options.callgrind = false
            case "--configs": options.configsOnly = try value()
            case "--help", "-h":
                print(usage)
                exit(0)
            default: throw RunnerError("unknown option \(arguments[index])\n\(usage)")
            }
            index += 1
        }
        guard options.configsOnly != nil || (!options.switchyard.isEmpty && !options.load.isEmpty) else { throw RunnerError(usage) }
        return options
    }
}
