/// The loopback ports of one run. Backends listen on their own; each proxy in turn takes the
/// dedicated ports (a TCP port and an HTTP port whose `/ws` location carries WebSocket) or
/// the hybrid port that serves all three.
struct Ports: Sendable {
    var base: Int

    var backendTCP: Int { base + 1 }
    var backendHTTP: Int { base + 2 }
    var backendWS: Int { base + 3 }
    var proxyTCP: Int { base + 11 }
    var proxyHTTP: Int { base + 12 }
    var hybrid: Int { base + 13 }
    /// nginx's HTTP port behind sslh.
    var behindSSLH: Int { base + 14 }

    var all: [Int] { [backendTCP, backendHTTP, backendWS, proxyTCP, proxyHTTP, hybrid, behindSSLH] }
}

/// Where the load tools connect for one proxy: the same three services, wherever it put them.
struct Endpoints: Sendable {
    var tcp: Int
    var http: Int
    var ws: Int
    var wsPath: String
}
