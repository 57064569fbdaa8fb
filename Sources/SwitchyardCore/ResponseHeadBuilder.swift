import SwitchyardWire

/// How the client-facing response head is shaped.
struct ClientResponsePlan {
    /// Whether the client connection stays open after this response.
    var keepAlive: Bool
    /// Lower-case names not passed from the upstream (`proxy_hide_header`, nginx's defaults,
    /// minus `proxy_pass_header`).
    var hidden: FieldNameSet
    /// `add_header` fields that apply to this status, evaluated.
    var added: [(name: [UInt8], value: [UInt8])]
    /// The cached `Date` value for this second.
    var date: String
    /// The chunked body goes out de-chunked (an HTTP/1.0 client), delimited by close.
    var dechunked = false
    /// `keepalive_timeout T HEADER_T`: sent as `Keep-Alive: timeout=HEADER_T` when kept alive.
    var keepAliveHeaderSeconds: Int64?
    /// `proxy_redirect`: a `Location` or `Refresh` value starting with `from` (compared
    /// ignoring case) gets `to` in place of that prefix.
    var redirect: (from: [UInt8], to: [UInt8])?

    /// Fields nginx does not pass from an upstream by default; it sends its own Server and Date.
    static let defaultHidden = FieldNameSet(strings: [
        "date", "server", "x-pad", "x-accel-expires", "x-accel-redirect", "x-accel-limit-rate", "x-accel-buffering",
        "x-accel-charset",
    ])
}

/// Rebuilds an upstream's response head for the client: hop-by-hop fields removed, hidden
/// fields dropped, the proxy's own Server, Date and Connection, then `add_header`.
enum ResponseHeadBuilder {
    /// Never passed whatever the configuration: hop-by-hop fields, and the length the proxy
    /// re-states from the parsed head.
    static let alwaysDropped = FieldNameSet(HopByHop.fixed + [Array("content-length".utf8)])
    private static let serverAndDate = Array("\r\nServer: switchyard\r\nDate: ".utf8)
    private static let connectionKeepAlive = Array("Connection: keep-alive\r\n".utf8)
    private static let connectionClose = Array("Connection: close\r\n".utf8)

    static func build(_ head: ResponseHead, buffer: UnsafeRawBufferPointer, plan: ClientResponsePlan, into out: inout [UInt8]) {
        out.append(ascii: "HTTP/1.1 ")
        out.appendDecimal(head.status)
        out.append(UInt8(ascii: " "))
        if head.reason.isEmpty {
            out.append(ascii: HTTPStatus.reason(head.status))
        } else {
            out.append(contentsOf: buffer[head.reason.range])
        }
        out.append(contentsOf: serverAndDate)
        out.append(contentsOf: plan.date.utf8)
        out.append(UInt8(ascii: "\r"))
        out.append(UInt8(ascii: "\n"))

        let named = HopByHop.named(by: head.headers, in: buffer)
        for field in head.headers {
            let name = field.name
            if alwaysDropped.contains(name, in: buffer) || plan.hidden.contains(name, in: buffer)
                || (!named.isEmpty && HopByHop.contains(named, name, in: buffer)) {
                continue
            }
            if let redirect = plan.redirect,
               field.name.equalsCaseInsensitive("location", in: buffer) || field.name.equalsCaseInsensitive("refresh", in: buffer),
               let rewritten = rewrite(field.value, in: buffer, redirect) {
                out.appendField(buffer[field.name.range], rewritten)
            } else {
                out.appendField(buffer[field.name.range], buffer[field.value.range])
            }
        }
        // Framing is forwarded unchanged, so its fields are re-stated from the parsed head.
        if head.isChunked {
            if !plan.dechunked { out.appendField("Transfer-Encoding".utf8, "chunked".utf8) }
        } else if let length = head.contentLength {
            out.append(ascii: "Content-Length: ")
            out.appendDecimal(length)
            out.append(ascii: "\r\n")
        }
        if head.isSwitchingProtocols {
            if let upgrade = head.upgrade { out.appendField("Upgrade".utf8, buffer[upgrade.range]) }
            out.appendField("Connection".utf8, "upgrade".utf8)
        } else {
            out.append(contentsOf: plan.keepAlive ? connectionKeepAlive : connectionClose)
            if plan.keepAlive, let seconds = plan.keepAliveHeaderSeconds {
                out.appendField("Keep-Alive".utf8, "timeout=\(seconds)".utf8)
            }
        }
        for field in plan.added { out.appendField(field.name, field.value) }
        out.append(ascii: "\r\n")
    }

    /// The value with the redirect applied, or nil when it does not start with `from`. In a
    /// Refresh value (`5; url=...`) the URL after `url=` is what is compared.
    private static func rewrite(_ value: ByteRange, in buffer: UnsafeRawBufferPointer, _ redirect: (from: [UInt8], to: [UInt8])) -> [UInt8]? {
        let bytes = Array(buffer[value.range])
        var start = 0
        if let marker = find(Array("url=".utf8), in: bytes) { start = marker + 4 }
        guard bytes.count - start >= redirect.from.count else { return nil }
        for (i, byte) in redirect.from.enumerated() where ASCIIText.lowercased(bytes[start + i]) != ASCIIText.lowercased(byte) {
            return nil
        }
        return Array(bytes[..<start]) + redirect.to + Array(bytes[(start + redirect.from.count)...])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count)
        where zip(needle, haystack[i...]).allSatisfy({ ASCIIText.lowercased($1) == $0 }) {
            return i
        }
        return nil
    }
}
