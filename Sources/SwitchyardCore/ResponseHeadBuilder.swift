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
    static func build(_ head: ResponseHead, buffer: UnsafeRawBufferPointer, plan: ClientResponsePlan, into out: inout [UInt8]) {
        let dateCount = plan.date.utf8.count
        // `withCString` lends a native String's own bytes (all of them, NUL or not) without the
        // retain and release `utf8.withContiguousStorageIfAvailable` costs.
        plan.date.withCString { date in
            let date = UnsafeRawBufferPointer(start: date, count: dateCount)
            if head.reason.isEmpty {
                // Upstreams send a reason phrase; a missing one gets the standard phrase.
                Array(HTTPStatus.reason(head.status).utf8).withUnsafeBytes {
                    build(head, buffer: buffer, plan: plan, reason: $0, date: date, into: &out)
                }
            } else {
                let reason = UnsafeRawBufferPointer(rebasing: buffer[head.reason.range])
                build(head, buffer: buffer, plan: plan, reason: reason, date: date, into: &out)
            }
        }
    }

    @inline(__always)
    private static func build(_ head: ResponseHead, buffer: UnsafeRawBufferPointer, plan: ClientResponsePlan,
                              reason: UnsafeRawBufferPointer, date: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let fixedBound = statusLine.utf8CodeUnitCount + HeadBound.decimal + 1 + serverAndDate.utf8CodeUnitCount + 2
            + contentLength.utf8CodeUnitCount + HeadBound.decimal + 2
            + keepAliveTimeout.utf8CodeUnitCount + HeadBound.decimal + 2 + 2
        var bound = fixedBound &+ reason.count &+ date.count
        if head.isSwitchingProtocols {
            bound &+= upgrade.utf8CodeUnitCount + 2 + connectionUpgrade.utf8CodeUnitCount
            bound &+= head.upgrade?.count ?? 0
        } else {
            bound &+= connectionKeepAlive.utf8CodeUnitCount
        }
        // A rewritten redirect grows by at most the replacement.
        let growth = plan.redirect?.to.count ?? 0
        // Fields the upstream's Connection names, found in the pass that sizes the head.
        var collected = ConnectionNamedFields()
        for field in head.headers {
            bound &+= HeadBound.field(field) &+ growth
            collected.collect(field, in: buffer)
        }
        // A constant for the closure below: a captured variable is retained and released around each use.
        let named = collected
        for field in plan.added { bound &+= HeadBound.field(field.name, field.value) }

        out.appendHead(atMost: bound) { cursor in
            cursor.write(statusLine)
            cursor.writeStatus(head.status)
            cursor.write(byte: UInt8(ascii: " "))
            cursor.write(reason)
            cursor.write(serverAndDate)
            cursor.write(date)
            cursor.writeLineEnd()

            passHeaders(head, buffer: buffer, plan: plan, named, to: &cursor)

            // Framing is forwarded unchanged, so its fields are re-stated from the parsed head.
            if head.isChunked {
                if !plan.dechunked { cursor.write(chunked) }
            } else if let length = head.contentLength {
                cursor.write(contentLength)
                cursor.writeDecimal(Int64(length))
                cursor.writeLineEnd()
            }
            if head.isSwitchingProtocols {
                if let value = head.upgrade {
                    cursor.write(upgrade)
                    cursor.write(value, of: buffer)
                    cursor.writeLineEnd()
                }
                cursor.write(connectionUpgrade)
            } else {
                cursor.write(plan.keepAlive ? connectionKeepAlive : connectionClose)
                if plan.keepAlive, let seconds = plan.keepAliveHeaderSeconds {
                    cursor.write(keepAliveTimeout)
                    cursor.writeDecimal(seconds)
                    cursor.writeLineEnd()
                }
            }
            for field in plan.added { cursor.writeField(field.name, field.value) }
            cursor.writeLineEnd()
        }
    }

    /// The upstream's fields but those never passed (`isAlwaysDropped`), the hidden ones and
    /// those its Connection fields name; redirects rewritten.
    @inline(__always)
    private static func passHeaders(_ head: ResponseHead, buffer: UnsafeRawBufferPointer, plan: ClientResponsePlan,
                                    _ named: ConnectionNamedFields, to cursor: inout HeadCursor) {
        var lines = PassedLines()
        for field in head.headers {
            let name = field.name
            if isAlwaysDropped(name, in: buffer) || plan.hidden.contains(name, in: buffer) || named.contains(name, in: buffer) {
                continue
            }
            if let redirect = plan.redirect,
               field.name.equalsCaseInsensitive("location", in: buffer) || field.name.equalsCaseInsensitive("refresh", in: buffer),
               let rewritten = rewrite(field.value, in: buffer, redirect) {
                lines.flush(of: buffer, to: &cursor)
                cursor.write(field.name, of: buffer)
                cursor.write(": ")
                cursor.write(rewritten)
                cursor.writeLineEnd()
            } else {
                lines.pass(field, of: buffer, to: &cursor)
            }
        }
        lines.flush(of: buffer, to: &cursor)
    }

    /// Never passed whatever the configuration: hop-by-hop fields, and the length the proxy
    /// re-states from the parsed head.
    @inline(__always)
    static func isAlwaysDropped(_ name: ByteRange, in buffer: UnsafeRawBufferPointer) -> Bool {
        name.count == 14 ? FixedName.matches(name, "content-length", in: buffer) : HopByHop.isFixed(name, in: buffer)
    }

    // Computed, not stored: a stored static is read through a once-check.
    private static var statusLine: StaticString { "HTTP/1.1 " }
    private static var serverAndDate: StaticString { "\r\nServer: switchyard\r\nDate: " }
    private static var contentLength: StaticString { "Content-Length: " }
    private static var chunked: StaticString { "Transfer-Encoding: chunked\r\n" }
    private static var upgrade: StaticString { "Upgrade: " }
    private static var connectionUpgrade: StaticString { "Connection: upgrade\r\n" }
    private static var connectionKeepAlive: StaticString { "Connection: keep-alive\r\n" }
    private static var connectionClose: StaticString { "Connection: close\r\n" }
    private static var keepAliveTimeout: StaticString { "Keep-Alive: timeout=" }

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
