/// The HTTP methods the classifier accepts as the start of an HTTP/1.x request line: the IANA
/// "HTTP Method Registry" (RFC 9110 §16.1), WebDAV's and the versioning extensions' included,
/// plus `QUERY` (draft-ietf-httpbis-safe-method-w-body, in the registry's queue).
///
/// `PRI` is registered too, but only to make the HTTP/2 preface (RFC 9113 §3.4) fail on an
/// HTTP/1 server; the classifier recognises it as the preface, never as a method.
///
/// Methods are case-sensitive (RFC 9110 §9.1): `get` is not `GET`. The list is sorted, and
/// `firstLetterStart` indexes it by first letter so a lookup compares against the two to seven
/// methods that share it, never the whole list.
enum MethodTokens {
    /// Every method, sorted (ASCII order).
    static let all: [StaticString] = [
        "ACL",  // RFC 3744
        "BASELINE-CONTROL", "BIND",  // RFC 3253, RFC 5842
        "CHECKIN", "CHECKOUT", "CONNECT", "COPY",  // RFC 3253, RFC 3253, RFC 9110, RFC 4918
        "DELETE",  // RFC 9110
        "GET",  // RFC 9110
        "HEAD",  // RFC 9110
        "LABEL", "LINK", "LOCK",  // RFC 3253, RFC 2068, RFC 4918
        "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MKREDIRECTREF", "MKWORKSPACE", "MOVE",
        "OPTIONS", "ORDERPATCH",  // RFC 9110, RFC 3648
        "PATCH", "POST", "PROPFIND", "PROPPATCH", "PUT",  // RFC 5789, RFC 9110, RFC 4918, RFC 9110
        "QUERY",  // draft-ietf-httpbis-safe-method-w-body
        "REBIND", "REPORT",  // RFC 5842, RFC 3253
        "SEARCH",  // RFC 5323
        "TRACE",  // RFC 9110
        "UNBIND", "UNCHECKOUT", "UNLINK", "UNLOCK", "UPDATE", "UPDATEREDIRECTREF",
        "VERSION-CONTROL",  // RFC 3253
    ]

    /// For each letter `A`...`Z` (index 0...25), the index in `all` of the first method that
    /// starts with it; entry 26 is `all.count`. Methods starting with letter `l` are
    /// `all[firstLetterStart[l] ..< firstLetterStart[l + 1]]`. `MethodTokensTests` checks the
    /// table against the list.
    static let firstLetterStart: [UInt8] = [
        0,  // A: ACL
        1,  // B: BASELINE-CONTROL BIND
        3,  // C: CHECKIN CHECKOUT CONNECT COPY
        7,  // D: DELETE
        8,  // E
        8,  // F
        8,  // G: GET
        9,  // H: HEAD
        10,  // I
        10,  // J
        10,  // K
        10,  // L: LABEL LINK LOCK
        13,  // M: MERGE MKACTIVITY MKCALENDAR MKCOL MKREDIRECTREF MKWORKSPACE MOVE
        20,  // N
        20,  // O: OPTIONS ORDERPATCH
        22,  // P: PATCH POST PROPFIND PROPPATCH PUT
        27,  // Q: QUERY
        28,  // R: REBIND REPORT
        30,  // S: SEARCH
        31,  // T: TRACE
        32,  // U: UNBIND UNCHECKOUT UNLINK UNLOCK UPDATE UPDATEREDIRECTREF
        38,  // V: VERSION-CONTROL
        39,  // W
        39,  // X
        39,  // Y
        39,  // Z
        39,  // end
    ]

    /// The longest method's length (`UPDATEREDIRECTREF`).
    static let maxLength = 17

    /// What the bytes from `start` say about a method followed by SP: a whole method and its
    /// SP (`.method(length:)`), a proper prefix of one (`.prefix`), or neither (`.none`). The
    /// first byte must be `A`...`Z`.
    ///
    /// No method followed by SP is a prefix of another followed by SP (`UPDATE ` vs
    /// `UPDATEREDIRECTREF `), so at most one candidate can match whole.
    @inline(__always)
    static func match(_ buffer: UnsafeRawBufferPointer, from start: Int) -> Match {
        let letter = Int(buffer[start] &- 0x41)
        let candidates = Int(firstLetterStart[letter])..<Int(firstLetterStart[letter + 1])
        let available = buffer.count - start
        var sawPrefix = false
        for candidate in candidates {
            let method = all[candidate]
            let length = method.utf8CodeUnitCount
            let compared = min(available, length + 1)
            // Byte 0 is the letter that chose the candidates.
            var index = 1
            let name = method.utf8Start
            while index < compared {
                let expected = index < length ? name[index] : ASCII.space
                if buffer[start + index] != expected { break }
                index += 1
            }
            guard index == compared else { continue }
            if compared == length + 1 { return .method(length: length) }
            sawPrefix = true
        }
        return sawPrefix ? .prefix : .none
    }

    enum Match: Hashable {
        case method(length: Int)
        case prefix
        case none
    }
}
