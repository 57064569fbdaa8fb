import Glibc

/// One header line of an HTTP message as it was on the wire (name and value as sent, the
/// value without the surrounding spaces).
public struct HTTPField: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name): \(value)" }
}

/// A parsed HTTP/1.x head, lenient on purpose: the harness must be able to look at whatever
/// the router sends, valid or not, and say what it was.
public struct HTTPHead: Sendable, CustomStringConvertible {
    /// Every byte of the head, through the blank line.
    public let bytes: [UInt8]
    /// The first line, without its CRLF.
    public let startLine: String
    public let fields: [HTTPField]

    /// Parses `bytes` (a head through CRLFCRLF). Lines split on LF, a trailing CR dropped.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            return String(decoding: trimmed, as: UTF8.self)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        startLine = lines.first ?? ""
        fields = lines.dropFirst().map { line in
            guard let colon = line.firstIndex(of: ":") else { return HTTPField(line, "") }
            let value = line[line.index(after: colon)...].trimmingSpaces
            return HTTPField(String(line[..<colon]), value)
        }
    }

    /// Every value of the fields named `name` (case-insensitive), in order.
    public func values(_ name: String) -> [String] {
        let lower = name.lowercased()
        return fields.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    /// The value of the only or first field named `name`.
    public func value(_ name: String) -> String? { values(name).first }

    public func has(_ name: String) -> Bool { !values(name).isEmpty }

    /// The lower-cased names of every field, in order.
    public var names: [String] { fields.map { $0.name.lowercased() } }

    /// The status code of a response head (`HTTP/1.1 200 OK` → 200), or nil.
    public var status: Int? {
        let parts = startLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }

    /// Whether a `Transfer-Encoding` field's last coding is `chunked`.
    public var isChunked: Bool {
        guard let last = values("Transfer-Encoding").last else { return false }
        return last.split(separator: ",").last.map { $0.trimmingSpaces.lowercased() } == "chunked"
    }

    /// The `Content-Length` value when there is exactly one and it is a plain number.
    public var contentLength: Int? {
        let all = values("Content-Length")
        guard all.count == 1, !all[0].isEmpty, all[0].allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(all[0])
    }

    /// The head as text, CR and LF made visible, for failure messages.
    public var description: String { String(decoding: bytes, as: UTF8.self).debugDescription }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// A blocking socket read through a buffer, so that a head, a body and the next pipelined
/// message can be taken off the same stream one after another. Every read runs against a
/// `Deadline`; the socket's own I/O timeout (`TCP.ioSlice`) keeps each recv short.
public final class BufferedReader {
    public let fd: Int32
    /// Received bytes not consumed yet.
    public private(set) var pending: [UInt8] = []
    /// True once recv returned 0.
    public private(set) var sawEOF = false
    /// Set when recv failed (reset or another error).
    public private(set) var failure: HarnessError?

    public init(fd: Int32) { self.fd = fd }

    /// Reads once more into `pending`: the byte count, 0 at EOF or after an error; throws only
    /// at the deadline.
    @discardableResult
    public func fill(deadline: Deadline, chunk: Int = 65536) throws -> Int {
        if sawEOF || failure != nil { return 0 }
        var scratch = [UInt8](repeating: 0, count: chunk)
        while true {
            if deadline.hasPassed { throw HarnessError("recv: deadline passed with \(pending.count) bytes unread", code: ETIMEDOUT) }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                pending += scratch[0..<n]
                return n
            }
            if n == 0 {
                sawEOF = true
                return 0
            }
            let code = errno
            if code == EAGAIN || code == EINTR { continue }
            failure = HarnessError.system("recv", errno: code)
            return 0
        }
    }

    /// Takes the first `count` pending bytes.
    public func take(_ count: Int) -> [UInt8] {
        let taken = Array(pending[0..<count])
        pending.removeFirst(count)
        return taken
    }

    /// Whether the stream ended (EOF or an error) with nothing left pending.
    public var isDrained: Bool { pending.isEmpty && (sawEOF || failure != nil) }

    /// How the stream ended so far, for messages.
    public var endDescription: String {
        if let failure { return "\(failure)" }
        return sawEOF ? "EOF" : "open"
    }

    /// Everything through the first CRLFCRLF (a head), or nil if the stream ends first.
    /// Throws at the deadline or when more than `limit` bytes come without a blank line.
    public func readHead(deadline: Deadline, limit: Int = 1 << 20) throws -> [UInt8]? {
        var searched = 0
        while true {
            if let end = HTTPFraming.headEnd(pending, from: max(0, searched - 3)) { return take(end) }
            searched = pending.count
            if pending.count > limit { throw HarnessError("no end of head within \(limit) bytes") }
            if try fill(deadline: deadline) == 0 { return nil }
        }
    }

    /// Exactly `count` bytes, or fewer if the stream ends first.
    public func readUpTo(_ count: Int, deadline: Deadline) throws -> [UInt8] {
        while pending.count < count {
            if try fill(deadline: deadline) == 0 { break }
        }
        return take(min(count, pending.count))
    }

    /// One line through its LF, or nil if the stream ends first.
    public func readLine(deadline: Deadline, limit: Int = 65536) throws -> [UInt8]? {
        var searched = 0
        while true {
            if let lf = pending[searched...].firstIndex(of: UInt8(ascii: "\n")) { return take(lf + 1) }
            searched = pending.count
            if pending.count > limit { throw HarnessError("no end of line within \(limit) bytes") }
            if try fill(deadline: deadline) == 0 { return nil }
        }
    }

    /// A chunked body exactly as sent, through the last chunk and the trailer section, and
    /// whether it was complete (false when the stream ended inside it).
    public func readChunked(deadline: Deadline, limit: Int = 64 << 20) throws -> (raw: [UInt8], complete: Bool) {
        var raw: [UInt8] = []
        for _ in 0..<1_000_000 {
            guard let sizeLine = try readLine(deadline: deadline) else { return (raw, false) }
            raw += sizeLine
            let text = String(decoding: sizeLine, as: UTF8.self)
            let digits = text.prefix { $0.isHexDigit }
            guard let size = Int(digits, radix: 16) else { throw HarnessError("bad chunk size line \(text.debugDescription)") }
            if size == 0 {
                // Trailer section: lines until an empty one.
                for _ in 0..<1000 {
                    guard let line = try readLine(deadline: deadline) else { return (raw, false) }
                    raw += line
                    if line == [UInt8(ascii: "\r"), UInt8(ascii: "\n")] || line == [UInt8(ascii: "\n")] { return (raw, true) }
                }
                throw HarnessError("more than 1000 trailer lines")
            }
            let data = try readUpTo(size + 2, deadline: deadline)
            raw += data
            if data.count < size + 2 { return (raw, false) }
            if raw.count > limit { throw HarnessError("chunked body over \(limit) bytes") }
        }
        throw HarnessError("more than 1,000,000 chunks")
    }

    /// Everything until the stream ends (at most `limit` bytes).
    public func readToEnd(deadline: Deadline, limit: Int = 64 << 20) throws -> [UInt8] {
        while try fill(deadline: deadline) > 0 {
            if pending.count > limit { throw HarnessError("more than \(limit) bytes before EOF") }
        }
        return take(pending.count)
    }
}

/// Framing helpers shared by the backend and the client.
public enum HTTPFraming {
    static let crlfcrlf: [UInt8] = Array("\r\n\r\n".utf8)

    /// The index just past the first CRLFCRLF at or after `from`, or nil.
    public static func headEnd(_ bytes: [UInt8], from: Int = 0) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = from
        while index + 4 <= bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    /// The data of a chunked body (chunk framing, extensions and trailers removed), or nil if
    /// it does not parse.
    public static func dechunk(_ raw: [UInt8]) -> [UInt8]? {
        var data: [UInt8] = []
        var index = 0
        while index < raw.count {
            guard let lf = raw[index...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            let line = String(decoding: raw[index..<lf], as: UTF8.self)
            guard let size = Int(line.prefix { $0.isHexDigit }, radix: 16) else { return nil }
            index = lf + 1
            if size == 0 { return data }
            guard index + size + 2 <= raw.count else { return nil }
            data += raw[index..<(index + size)]
            index += size + 2
        }
        return nil
    }

    /// `chunks` framed as a chunked body with the last chunk and no trailers.
    public static func chunked(_ chunks: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        for chunk in chunks where !chunk.isEmpty {
            bytes += Array("\(String(chunk.utf8.count, radix: 16))\r\n\(chunk)\r\n".utf8)
        }
        return bytes + Array("0\r\n\r\n".utf8)
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs anywhere in the array.
    public func contains(bytes needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// The bytes as text with CR, LF and control bytes escaped, for failure messages.
    public var visible: String { String(decoding: self, as: UTF8.self).debugDescription }
}
