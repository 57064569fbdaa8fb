import SwitchyardConfig
import SwitchyardCore

/// What `-t` says about hybrid ports, so a user sees how one port will split its traffic.
enum HybridPortReport {
    static func lines(_ snapshot: RuntimeSnapshot) -> [String] {
        snapshot.listeners.filter(\.isHybrid).map { spec in
            let stream = snapshot.streamServers[spec.serverIndex].config
            let wait = stream.prereadTimeoutIsExplicit ? stream.prereadTimeout : HybridPort.defaultWait
            let streamPlace = spec.streamLocation.map { " (\($0))" } ?? ""
            return "switchyard: hybrid port \(spec.address): HTTP/1.x requests go to the http server(s) listening there "
                + "(\(spec.location)); TLS, anything else, and clients silent for \(wait.milliseconds)ms go to the "
                + "stream server\(streamPlace)"
                + (stream.sslPreread ? ", which reads each TLS ClientHello first (ssl_preread)" : "")
        }
    }
}
