/// The four shapes of a request-target (RFC 9112 §3.2).
public enum RequestTargetForm: Hashable, Sendable {
    /// `absolute-path [ "?" query ]`: what clients send to an origin server.
    case origin
    /// `absolute-URI`: what clients send to a forward proxy (`http://host/path`).
    case absolute
    /// `uri-host ":" port`: CONNECT only.
    case authority
    /// `*`: OPTIONS only.
    case asterisk
}

/// Validates a request-target and splits it into the parts routing needs.
///
///     origin-form    = absolute-path [ "?" query ]
///     absolute-form  = absolute-URI
///     authority-form = uri-host ":" port
///     asterisk-form  = "*"
///     absolute-URI   = scheme ":" hier-part [ "?" query ]
///     scheme         = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
///     pct-encoded    = "%" HEXDIG HEXDIG
///
/// Only the `hier-part` shape `"//" authority path-abempty` is accepted for the absolute form,
/// the one HTTP URIs use; userinfo (`user@host`) is refused, as RFC 9110 §4.2.4 asks.
struct RequestTarget: Hashable, Sendable {
    var form: RequestTargetForm
    /// The path: from the first `/` up to `?`; empty for the authority and asterisk forms and
    /// for an absolute-form target without a path.
    var path: ByteRange
    /// What follows the first `?` of the path, without it; nil when there is no `?`.
    var query: ByteRange?
    /// The authority of the absolute and authority forms.
    var authority: ByteRange?

    static func parse(
        _ target: ByteRange, in buffer: UnsafeRawBufferPointer, methodIsCONNECT: Bool, methodIsOPTIONS: Bool
    ) -> RequestTarget? {
        guard !target.isEmpty else { return nil }
        var index = target.offset
        while index < target.end {
            let byte = buffer[index]
            guard ByteClass.targetChar.contains(byte: byte) || isToleratedUnencoded(byte) else { return nil }
            if byte == ASCII.percent {
                guard index + 2 < target.end,
                    ASCII.hexValue(buffer[index + 1]) != nil, ASCII.hexValue(buffer[index + 2]) != nil
                else { return nil }
                index += 2
            }
            index += 1
        }

        if methodIsCONNECT { return authorityForm(target, in: buffer) }
        let first = buffer[target.offset]
        if first == ASCII.slash {
            let (path, query) = splitQuery(target.range, in: buffer)
            return RequestTarget(form: .origin, path: path, query: query, authority: nil)
        }
        if first == ASCII.asterisk {
            guard target.count == 1, methodIsOPTIONS else { return nil }
            return RequestTarget(form: .asterisk, path: ByteRange(offset: target.offset, count: 0), query: nil, authority: nil)
        }
        return absoluteForm(target, in: buffer)
    }

    /// The common case in the pass that finds where the target ends (SP or `end`): an
    /// origin-form target of `targetChar` bytes without `%`, which `parse` would accept and
    /// split the same way unless the method is CONNECT. Nil means "ask `parse`", not "invalid".
    @inline(__always)
    static func plainOriginForm(
        _ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int
    ) -> (RequestTarget, end: Int)? {
        guard start < end, buffer[start] == ASCII.slash else { return nil }
        var index = plainRun(buffer, from: start &+ 1, to: end, alsoStoppingAt: ASCII.questionMark)
        let path = ByteRange(start..<index)
        var query: ByteRange?
        if index < end, buffer[index] == ASCII.questionMark {
            let queryStart = index &+ 1
            // A query may hold more `?`; `%` already stops the run.
            index = plainRun(buffer, from: queryStart, to: end, alsoStoppingAt: ASCII.percent)
            query = ByteRange(queryStart..<index)
        }
        guard index == end || buffer[index] == ASCII.space else { return nil }
        return (RequestTarget(form: .origin, path: path, query: query, authority: nil), index)
    }

    /// Where the run of `targetChar` bytes other than `%` and `stop` from `start` ends.
    @inline(__always)
    private static func plainRun(
        _ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int, alsoStoppingAt stop: UInt8
    ) -> Int {
        var index = start
        // Wrapping arithmetic: the index stays below `end`.
        while index < end {
            let byte = buffer[index]
            guard ByteClass.targetChar.contains(byte: byte), byte != ASCII.percent, byte != stop else { break }
            index &+= 1
        }
        return index
    }

    /// Bytes RFC 3986 wants percent-encoded that real clients send raw anyway: browsers
    /// leave `{ } | ^ \` ` and UTF-8 unencoded in queries, and nginx accepts them. None of
    /// them can end the request line or a field (no space, no control byte), so accepting
    /// them costs no safety; the target is passed on byte for byte.
    @inline(__always)
    static func isToleratedUnencoded(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "`"),
             UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"):
            true
        default:
            byte >= 0x80
        }
    }

    private static func splitQuery(_ range: Range<Int>, in buffer: UnsafeRawBufferPointer) -> (ByteRange, ByteRange?) {
        for index in range where buffer[index] == ASCII.questionMark {
            return (ByteRange(range.lowerBound..<index), ByteRange(index + 1..<range.upperBound))
        }
        return (ByteRange(range), nil)
    }

    private static func absoluteForm(_ target: ByteRange, in buffer: UnsafeRawBufferPointer) -> RequestTarget? {
        var index = target.offset
        let end = target.end
        guard ASCII.lowercased(buffer[index]) &- 0x61 < 26 else { return nil }
        while index < end, buffer[index] != ASCII.colon {
            let byte = buffer[index]
            let isSchemeByte = ASCII.lowercased(byte) &- 0x61 < 26 || ASCII.decimalValue(byte) != nil
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == ASCII.dot
            guard isSchemeByte else { return nil }
            index += 1
        }
        guard index + 3 <= end, buffer[index] == ASCII.colon,
            buffer[index + 1] == ASCII.slash, buffer[index + 2] == ASCII.slash
        else { return nil }
        let authorityStart = index + 3
        index = authorityStart
        while index < end, buffer[index] != ASCII.slash, buffer[index] != ASCII.questionMark {
            guard ByteClass.hostChar.contains(byte: buffer[index]) else { return nil }
            index += 1
        }
        guard index > authorityStart else { return nil }
        let authority = ByteRange(authorityStart..<index)
        if index < end, buffer[index] == ASCII.questionMark {
            return RequestTarget(
                form: .absolute, path: ByteRange(offset: index, count: 0),
                query: ByteRange(index + 1..<end), authority: authority)
        }
        let (path, query) = splitQuery(index..<end, in: buffer)
        return RequestTarget(form: .absolute, path: path, query: query, authority: authority)
    }

    /// `uri-host ":" port`, port `*DIGIT` but not empty here: CONNECT needs a port to mean
    /// anything.
    private static func authorityForm(_ target: ByteRange, in buffer: UnsafeRawBufferPointer) -> RequestTarget? {
        var lastColon: Int?
        for index in target.range {
            let byte = buffer[index]
            guard ByteClass.hostChar.contains(byte: byte) else { return nil }
            if byte == ASCII.colon { lastColon = index }
        }
        guard let colon = lastColon, colon > target.offset, colon + 1 < target.end else { return nil }
        for index in colon + 1..<target.end where ASCII.decimalValue(buffer[index]) == nil { return nil }
        return RequestTarget(form: .authority, path: ByteRange(offset: target.end, count: 0), query: nil, authority: target)
    }
}
