/// The request path as nginx matches locations and maps files against it (`$uri`): percent
/// escapes decoded, `//` merged, `.` and `..` segments resolved. A path that decodes to a
/// NUL byte or climbs above the root is invalid (400), so `%2e%2e` cannot reach a parent
/// directory any more than `..` can.
public enum URIPath {
    public enum Problem: Error, Sendable, Equatable {
        case notAbsolute
        case badEscape
        case nulByte
        case aboveRoot
    }

    /// Normalizes the path part of a request target (no query).
    public static func normalize(_ raw: some Collection<UInt8>) throws(Problem) -> String {
        guard raw.first == UInt8(ascii: "/") else { throw .notAbsolute }
        if isNormal(raw) { return String(decoding: raw, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var iterator = raw.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw .badEscape
                }
                let value = high << 4 | low
                if value == 0 { throw .nulByte }
                decoded.append(value)
            } else {
                decoded.append(byte)
            }
        }
        // Resolve segments on the decoded bytes: an escaped dot is a dot.
        var segments: [ArraySlice<UInt8>] = []
        var endsWithSlash = false
        for segment in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            endsWithSlash = false
            switch segment.count {
            case 0:
                endsWithSlash = true  // merged slash, or a trailing one
            case 1 where segment.first == UInt8(ascii: "."):
                endsWithSlash = true
            case 2 where segment.allSatisfy({ $0 == UInt8(ascii: ".") }):
                if segments.isEmpty { throw .aboveRoot }
                segments.removeLast()
                endsWithSlash = true
            default:
                segments.append(segment)
            }
        }
        var out: [UInt8] = [UInt8(ascii: "/")]
        for (i, segment) in segments.enumerated() {
            if i > 0 { out.append(UInt8(ascii: "/")) }
            out.append(contentsOf: segment)
        }
        if endsWithSlash && !segments.isEmpty { out.append(UInt8(ascii: "/")) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Most paths have no escape, no empty segment and no dot segment: they are already what
    /// `normalize` would make, and one scan says so.
    private static func isNormal(_ raw: some Collection<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in raw {
            if byte == UInt8(ascii: "%") { return false }
            if previous == UInt8(ascii: "/") && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")) { return false }
            previous = byte
        }
        return true
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
