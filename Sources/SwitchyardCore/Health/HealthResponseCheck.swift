import SwitchyardConfig
import SwitchyardWire

/// Judges what an http probe has read so far. Only the head matters: the status decides, and
/// the body is never waited for (a health page may stream forever).
enum HealthResponseCheck {
    /// More than this without a final head is a failure, so a peer that sends endless bytes
    /// cannot grow the prober's memory.
    static let maxResponseBytes = 64 * 1024

    /// `bytes`: everything the peer sent; `closed`: it has closed its side.
    static func evaluate(_ bytes: [UInt8], closed: Bool, match: StatusMatch) -> ProbeVerdict {
        var offset = 0
        // Interim 1xx heads (103 Early Hints) come before the real answer; each is at least one
        // byte, so the loop ends.
        while true {
            var parser = HTTPResponseHeadParser()
            let result = bytes[offset...].withUnsafeBytes { parser.parse($0) }
            switch result {
            case .needMoreBytes:
                if closed { return .failed("upstream prematurely closed connection") }
                if bytes.count > maxResponseBytes { return .failed("upstream sent too big a response head") }
                return .pending
            case .invalid(let error):
                return .failed("upstream sent an invalid response (\(error))")
            case .complete(let head, let headLength):
                if (100...199).contains(head.status) && head.status != 101 {
                    offset += headLength
                    continue
                }
                return match.contains(head.status) ? .passed : .failed("status \(head.status) is not in \(match)")
            }
        }
    }

    /// The probe request: `GET uri HTTP/1.1`, `Host` as the server was written, and
    /// `Connection: close` so the peer ends the exchange itself.
    static func request(uri: String, host: String) -> [UInt8] {
        let head = "GET \(uri) HTTP/1.1\r\nHost: \(host)\r\n"
            + "User-Agent: switchyard-health-check\r\nConnection: close\r\n\r\n"
        return Array(head.utf8)
    }
}
