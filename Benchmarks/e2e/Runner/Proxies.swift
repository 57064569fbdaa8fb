import Foundation

/// One contender: how to start it (pinned to the proxy CPU) and where it serves.
struct Proxy: Sendable {
    enum Kind: String, Sendable {
        /// No proxy: the load tools talk to the backends, the ceiling every proxy is held to.
        case direct
        /// Separate ports for TCP and HTTP/WebSocket.
        case dedicated
        /// One port for everything.
        case hybrid
    }

    var id: String
    var label: String
    var kind: Kind
    /// Which programs to start: each is a command line; `{dir}` becomes the proxy's folder.
    var commands: [[String]]
    /// Config files to write into the proxy's folder first: name and text.
    var files: [(name: String, text: String)]
    var endpoints: Endpoints
    /// Ports to wait for before measuring.
    var ready: [Int]

    var isNginx: Bool { id == "nginx" || id == "nginx-tuned" }
}

enum ProxyLineup {
    static let allIDs = [
        "direct", "nginx", "nginx-tuned", "haproxy", "haproxy-splice", "switchyard",
        "switchyard-hybrid", "haproxy-one-port", "sslh-nginx",
    ]

    static func kind(of id: String) -> Proxy.Kind {
        if id == "direct" { return .direct }
        return ["switchyard-hybrid", "haproxy-one-port", "sslh-nginx"].contains(id) ? .hybrid : .dedicated
    }

    static func make(_ id: String, ports: Ports, switchyard: String) -> Proxy? {
        let dedicated = Endpoints(tcp: ports.proxyTCP, http: ports.proxyHTTP, ws: ports.proxyHTTP, wsPath: "/ws")
        let onePort = Endpoints(tcp: ports.hybrid, http: ports.hybrid, ws: ports.hybrid, wsPath: "/ws")
        let nginxCommand = ["/usr/sbin/nginx", "-p", "{dir}", "-c", "{dir}/proxy.conf", "-e", "{dir}/error.log"]
        let haproxyCommand = ["/usr/sbin/haproxy", "-db", "-f", "{dir}/proxy.cfg"]
        let switchyardCommand = [switchyard, "-c", "{dir}/proxy.conf"]
        switch id {
        case "direct":
            return Proxy(
                id: id, label: "direct (no proxy)", kind: .direct, commands: [], files: [],
                endpoints: Endpoints(tcp: ports.backendTCP, http: ports.backendHTTP, ws: ports.backendWS, wsPath: "/ws"),
                ready: [])
        case "nginx", "nginx-tuned":
            let tuned = id == "nginx-tuned"
            return Proxy(
                id: id, label: tuned ? "nginx, 64 KiB buffers" : "nginx", kind: .dedicated, commands: [nginxCommand],
                files: [("proxy.conf", ProxyConfigs.nginx(ports: ports, dir: "{dir}", tuned: tuned))],
                endpoints: dedicated, ready: [ports.proxyTCP, ports.proxyHTTP])
        case "haproxy", "haproxy-splice":
            let splice = id == "haproxy-splice"
            return Proxy(
                id: id, label: splice ? "HAProxy, splice-auto" : "HAProxy", kind: .dedicated, commands: [haproxyCommand],
                files: [("proxy.cfg", ProxyConfigs.haproxy(ports: ports, splice: splice, onePort: false))],
                endpoints: dedicated, ready: [ports.proxyTCP, ports.proxyHTTP])
        case "switchyard":
            return Proxy(
                id: id, label: "Switchyard", kind: .dedicated, commands: [switchyardCommand],
                files: [("proxy.conf", ProxyConfigs.nginx(ports: ports, dir: "{dir}", tuned: false))],
                endpoints: dedicated, ready: [ports.proxyTCP, ports.proxyHTTP])
        case "switchyard-hybrid":
            return Proxy(
                id: id, label: "Switchyard, one port", kind: .hybrid, commands: [switchyardCommand],
                files: [("proxy.conf", ProxyConfigs.switchyardHybrid(ports: ports, dir: "{dir}"))],
                endpoints: onePort, ready: [ports.hybrid])
        case "haproxy-one-port":
            return Proxy(
                id: id, label: "HAProxy, switch-mode http", kind: .hybrid, commands: [haproxyCommand],
                files: [("proxy.cfg", ProxyConfigs.haproxy(ports: ports, splice: false, onePort: true))],
                endpoints: onePort, ready: [ports.hybrid])
        case "sslh-nginx":
            // sslh's single-process build (select), so one PID's CPU is all of it; HTTP goes
            // on to nginx (64 KiB buffers), anything else straight to the TCP backend, as an
            // SSH or VPN service behind sslh would be reached.
            let sslh = [
                "/usr/sbin/sslh-select", "-f", "-n", "-t", "1", "-p", "127.0.0.1:\(ports.hybrid)",
                "--http", "127.0.0.1:\(ports.behindSSLH)", "--anyprot", "127.0.0.1:\(ports.backendTCP)",
            ]
            return Proxy(
                id: id, label: "sslh → nginx", kind: .hybrid, commands: [nginxCommand, sslh],
                files: [("proxy.conf", ProxyConfigs.nginx(ports: ports, dir: "{dir}", tuned: true, httpPort: ports.behindSSLH, withStream: false))],
                endpoints: onePort, ready: [ports.behindSSLH, ports.hybrid])
        default:
            return nil
        }
    }
}

/// A proxy that is up: its processes, pinned to the proxy CPU.
final class RunningProxy {
    let proxy: Proxy
    let processes: [Spawned]
    var pids: [Int32] { processes.map(\.pid) }

    init(_ proxy: Proxy, dir: URL, cpu: Int) throws {
        self.proxy = proxy
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
        for file in proxy.files {
            try file.text.replacingOccurrences(of: "{dir}", with: dir.path)
                .write(to: dir.appendingPathComponent(file.name), atomically: true, encoding: .utf8)
        }
        var started: [Spawned] = []
        for (index, command) in proxy.commands.enumerated() {
            let argv = command.map { $0.replacingOccurrences(of: "{dir}", with: dir.path) }
            started.append(try Spawn.start("\(proxy.id)-\(index)", cpu: cpu, argv, in: dir))
        }
        processes = started
        for port in proxy.ready where !waitForPort(port, seconds: 10) {
            let logs = processes.map { "\($0.name): " + ((try? String(contentsOf: dir.appendingPathComponent("\($0.name).err"), encoding: .utf8)) ?? "") }
            stop()
            throw RunnerError("\(proxy.label) did not listen on \(port): \(logs.joined(separator: "; "))")
        }
    }

    var alive: Bool { processes.allSatisfy { $0.process.isRunning } }

    func stop() { for process in processes.reversed() { process.stop() } }
}

struct RunnerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
