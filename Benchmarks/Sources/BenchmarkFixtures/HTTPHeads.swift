/// HTTP heads as clients and servers send them, CRLF line endings, whole heads only.
public enum HTTPHeads {
    /// What Chrome sends to open a WebSocket: 15 fields, 626 bytes.
    public static let webSocketHandshake = head([
        "GET /chat?room=lobby HTTP/1.1",
        "Host: app.example.com",
        "Connection: Upgrade",
        "Pragma: no-cache",
        "Cache-Control: no-cache",
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Upgrade: websocket",
        "Origin: https://app.example.com",
        "Sec-WebSocket-Version: 13",
        "Accept-Encoding: gzip, deflate, br, zstd",
        "Accept-Language: en-US,en;q=0.9",
        "Cookie: session=8f2c1e9a7b3d4c5e6f70; theme=dark",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        "Sec-WebSocket-Protocol: chat.v2, chat.v1",
        "Sec-Fetch-Site: same-origin",
    ])

    /// A request behind a few layers of infrastructure: browser fields, forwarding and
    /// tracing fields, feature flags; 40 fields, 1,942 bytes.
    public static let fortyFieldRequest: [UInt8] = {
        var lines = [
            "GET /api/v2/orders?status=open&page=2 HTTP/1.1",
            "Host: shop.example.com",
            "Connection: keep-alive",
            "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            "Accept: application/json, text/plain, */*",
            "Accept-Encoding: gzip, deflate, br",
            "Accept-Language: en-GB,en;q=0.9",
            "Referer: https://shop.example.com/orders",
            "Cookie: sid=4c1f0e2d9b8a7c6d5e4f3a2b1c0d9e8f; cart=17; consent=all",
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
            "X-Forwarded-For: 203.0.113.7, 198.51.100.23",
            "X-Forwarded-Proto: https",
            "X-Forwarded-Host: shop.example.com",
            "X-Real-IP: 203.0.113.7",
            "X-Request-ID: 5f0c6a1e-2b7d-4c3e-9a8f-1d2e3f4a5b6c",
            "Traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "Tracestate: rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
            "Sec-Fetch-Site: same-origin",
            "Sec-Fetch-Mode: cors",
            "Sec-Fetch-Dest: empty",
            "If-None-Match: W/\"5e-1a2b3c4d\"",
            "Cache-Control: max-age=0",
        ]
        for index in lines.count - 1..<40 {
            lines.append("X-Feature-Flag-\(index): enabled; variant=b; rollout=\(index * 7 % 100)")
        }
        return head(lines)
    }()

    /// A typical upstream answer: 12 fields.
    public static let okResponse = head([
        "HTTP/1.1 200 OK",
        "Server: app/2.4.1",
        "Date: Tue, 14 May 2024 09:21:07 GMT",
        "Content-Type: application/json; charset=utf-8",
        "Content-Length: 1832",
        "Connection: keep-alive",
        "Cache-Control: private, max-age=0, must-revalidate",
        "ETag: W/\"728-18f7a3b2c1d\"",
        "Last-Modified: Tue, 14 May 2024 09:20:59 GMT",
        "Vary: Accept-Encoding, Origin",
        "X-Request-ID: 5f0c6a1e-2b7d-4c3e-9a8f-1d2e3f4a5b6c",
        "Strict-Transport-Security: max-age=31536000; includeSubDomains",
        "X-Content-Type-Options: nosniff",
    ])

    static func head(_ lines: [String]) -> [UInt8] {
        Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }
}
