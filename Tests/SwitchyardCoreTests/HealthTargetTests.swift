import SwitchyardConfig
import Testing
@testable import SwitchyardCore

/// Which servers the one prober probes, and what a reload keeps of their verdicts.
struct HealthTargetTests {
    private func snapshot(_ text: String) throws -> RuntimeSnapshot {
        try RuntimeSnapshot(config: try ConfigLoader.parse(text: text, file: "conf/x.conf"))
    }

    /// Upstreams `app` in both modules, the stream one named `streamGroup`.
    private func config(streamGroup: String = "app") -> String {
        """
        http {
            upstream app {
                server 127.0.0.1:8081;
                server 127.0.0.1:8082 down;
                server 127.0.0.1:8083 backup;
                health_check uri=/up port=9000;
            }
            upstream plain { server 127.0.0.1:8090; }
            server { listen 127.0.0.1:8080; location / { proxy_pass http://app; } location /p { proxy_pass http://plain; } }
        }
        stream {
            upstream \(streamGroup) { server 127.0.0.1:7001; health_check interval=1s; }
            server { listen 127.0.0.1:7000; proxy_pass \(streamGroup); }
        }
        """
    }

    /// Every peer of a checked group but the `down` ones, in both modules; `port=` moves the
    /// probe, not the name logs and `Host` use.
    @Test func targetsOfASnapshot() throws {
        let targets = HealthTarget.all(in: try snapshot(config()))
        #expect(targets.map(\.key) == ["http app 127.0.0.1:8081", "http app 127.0.0.1:8083", "stream app 127.0.0.1:7001"])
        #expect(targets.map(\.address.port) == [9000, 9000, 7001])
        #expect(targets.map(\.peer) == [0, 2, 0])
        #expect(targets[0].host == "127.0.0.1:8081" && targets[0].check.uri == "/up" && targets[2].check.kind == .tcp)
    }

    /// A reload keeps a server that was unhealthy out (same module, group and address), and
    /// starts everything else healthy.
    @Test func reloadCarriesUnhealthyServers() throws {
        let old = HealthTarget.all(in: try snapshot(config()))
        old[0].health.setHealthy(old[0].peer, false)
        old[2].health.setHealthy(old[2].peer, false)
        let new = HealthTarget.all(in: try snapshot(config(streamGroup: "other")))
        HealthTarget.carryOver(from: old, to: new)
        #expect(new.map { $0.health.isHealthy($0.peer) } == [false, true, true])
    }
}
