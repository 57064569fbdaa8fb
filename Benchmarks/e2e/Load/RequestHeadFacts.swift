/// What the http backend needs from a request head (RFC 9112 §9.3): whether the connection
/// stays open after the answer. HTTP/1.1 persists unless `Connection: close`; HTTP/1.0 only
/// with `Connection: keep-alive`. And, for the ws backend, whether it asks for a WebSocket.
struct RequestHeadFacts {
    var closeAfterAnswer: Bool
    var isUpgradeToWebSocket: Bool

    init(_ head: UnsafeRawBufferPointer) {
        let line = HeadScan.firstLine(head)
        let isHTTP10 = line.count >= 8 && HeadScan.contains(head, line.upperBound - 8..<line.upperBound, token: "http/1.0")
        var close = isHTTP10
        var upgrade = false
        if let connection = HeadScan.fieldValue(head, named: "connection") {
            if HeadScan.contains(head, connection, token: "close") { close = true }
            if isHTTP10 && HeadScan.contains(head, connection, token: "keep-alive") { close = false }
        }
        if let value = HeadScan.fieldValue(head, named: "upgrade") {
            upgrade = HeadScan.contains(head, value, token: "websocket")
        }
        closeAfterAnswer = close
        isUpgradeToWebSocket = upgrade
    }
}
