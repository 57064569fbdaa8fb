import Glibc
import SwitchyardWire

/// Opening handshakes for the WebSocket clients (RFC 6455 §4.1), made before the run: a set
/// of random `Sec-WebSocket-Key`s, the full request for each, and the `Sec-WebSocket-Accept`
/// each must be answered with. Cycling through them costs no allocation and no SHA-1 per
/// handshake; 64 keys still make consecutive connections send different ones.
final class UpgradeRequests {
    let requests: [[UInt8]]
    let accepts: [[UInt8]]
    private var next = 0

    init(path: String, host: String, count: Int = 64) {
        var random = SystemRandomNumberGenerator()
        var requests: [[UInt8]] = []
        var accepts: [[UInt8]] = []
        for _ in 0..<count {
            let key = Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
            requests.append(Array(Self.request(path: path, host: host, key: key).utf8))
            accepts.append(Array(WebSocketHandshake.acceptValue(forKey: key).utf8))
        }
        self.requests = requests
        self.accepts = accepts
    }

    static func request(path: String, host: String, key: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// The index of the next key to use.
    func take() -> Int {
        let index = next
        next = next + 1 == requests.count ? 0 : next + 1
        return index
    }

    /// Why `head` is not the 101 that key `index` needs (RFC 6455 §4.1, the client's checks
    /// 1-4), or nil when it is.
    func problem(head: UnsafeRawBufferPointer, index: Int) -> String? {
        Self.problem(head: head, accept: accepts[index])
    }

    static func problem(head: UnsafeRawBufferPointer, accept: [UInt8]) -> String? {
        guard let status = HeadScan.statusCode(head) else { return "not an HTTP response" }
        guard status == 101 else { return "status \(status), not 101" }
        guard let upgrade = HeadScan.fieldValue(head, named: "upgrade"), HeadScan.contains(head, upgrade, token: "websocket") else {
            return "no Upgrade: websocket"
        }
        guard let value = HeadScan.fieldValue(head, named: "sec-websocket-accept") else { return "no Sec-WebSocket-Accept" }
        guard HeadScan.equals(head, value, accept) else { return "wrong Sec-WebSocket-Accept" }
        return nil
    }
}

@available(*, unavailable)
extension UpgradeRequests: Sendable {}
