import SwitchyardWire

/// Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection and never cross the
/// proxy, in either direction. Besides the fixed list, a message's Connection field names
/// more; nginx forwards those and Proxy-Connection, Switchyard does not.
enum HopByHop {
    /// Lower-case names that never cross the proxy as the sender wrote them. Framing fields
    /// (Content-Length, Transfer-Encoding) are rebuilt by the proxy from the parsed head.
    /// `isFixed` answers for this list without reading it; a test holds the two together.
    static let fixed: [[UInt8]] = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
    ].map { Array($0.utf8) }

    /// Whether `name` is one of `fixed`, ignoring case. Asked of every field of every head, so
    /// it switches on the length instead of walking a list: a field of another length costs
    /// one jump.
    @inline(__always)
    static func isFixed(_ name: ByteRange, in buffer: UnsafeRawBufferPointer) -> Bool {
        switch name.count {
        case 2: FixedName.matches(name, "te", in: buffer)
        case 7: FixedName.matches(name, "trailer", in: buffer) || FixedName.matches(name, "upgrade", in: buffer)
        case 10: FixedName.matches(name, "connection", in: buffer) || FixedName.matches(name, "keep-alive", in: buffer)
        case 16: FixedName.matches(name, "proxy-connection", in: buffer)
        case 17: FixedName.matches(name, "transfer-encoding", in: buffer)
        default: false
        }
    }
}

/// The field names a message's Connection fields list, lower-cased. Names that are fixed
/// hop-by-hop names are left out: they are removed anyway, and leaving them out keeps the usual
/// `Connection: keep-alive` (or `Upgrade`) from allocating anything.
struct ConnectionNamedFields {
    /// nil until a name is found: most messages name none.
    private var names: [[UInt8]]?

    /// Takes in the names `field` lists if it is a Connection field. Called for every field in
    /// a pass the builders make anyway, so finding that there is none costs no pass of its own.
    @inline(__always)
    mutating func collect(_ field: HTTPHeaderField, in buffer: UnsafeRawBufferPointer) {
        if field.name.count == 10 && FixedName.matches(field.name, "connection", in: buffer) {
            collect(listedIn: field.value, in: buffer)
        }
    }

    private mutating func collect(listedIn value: ByteRange, in buffer: UnsafeRawBufferPointer) {
        var start = value.offset
        let end = value.end
        while start < end {
            var stop = start
            while stop < end && buffer[stop] != UInt8(ascii: ",") { stop += 1 }
            var low = start
            var high = stop
            while low < high && (buffer[low] == UInt8(ascii: " ") || buffer[low] == UInt8(ascii: "\t")) { low += 1 }
            while high > low && (buffer[high - 1] == UInt8(ascii: " ") || buffer[high - 1] == UInt8(ascii: "\t")) { high -= 1 }
            if low < high && !HopByHop.isFixed(ByteRange(low..<high), in: buffer) {
                let name = buffer[low..<high].map(ASCIIText.lowercased)
                if names == nil { names = [name] } else { names!.append(name) }
            }
            start = stop + 1
        }
    }

    /// Whether `name` (a range in `buffer`) is one of the names, ignoring case.
    @inline(__always)
    func contains(_ name: ByteRange, in buffer: UnsafeRawBufferPointer) -> Bool {
        guard let names else { return false }
        return names.contains { name.equalsCaseInsensitive($0, in: buffer) }
    }
}

/// A field name compared with a lower-case literal, ignoring case, without a call into
/// SwitchyardWire per field; with the literal's length known, the comparison is a few words.
enum FixedName {
    @inline(__always)
    static func matches(_ name: ByteRange, _ literal: StaticString, in buffer: UnsafeRawBufferPointer) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard name.count == count, name.offset >= 0, name.end <= buffer.count else { return false }
        return CaseFold.equals(buffer.baseAddress! + name.offset, lowercased: UnsafeRawPointer(literal.utf8Start), count: count)
    }
}

/// ASCII helpers for building heads.
enum ASCIIText {
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    static func lowercased(_ text: String) -> [UInt8] {
        text.utf8.map(lowercased)
    }
}

extension Array where Element == UInt8 {
    mutating func append(ascii text: String) {
        append(contentsOf: text.utf8)
    }

    /// `n` in decimal, without the String a conversion would allocate.
    mutating func appendDecimal(_ n: some BinaryInteger) {
        if n < 0 { append(UInt8(ascii: "-")) }
        var value = UInt64(n.magnitude)
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        Swift.withUnsafeMutableBytes(of: &scratch) { digits in
            var index = digits.count
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
                value /= 10
            } while value > 0
            append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[index...]))
        }
    }

    mutating func appendField(_ name: some Sequence<UInt8>, _ value: some Sequence<UInt8>) {
        append(contentsOf: name)
        append(UInt8(ascii: ":"))
        append(UInt8(ascii: " "))
        append(contentsOf: value)
        append(UInt8(ascii: "\r"))
        append(UInt8(ascii: "\n"))
    }
}

/// Writes a head straight into capacity reserved once for all of it. An `append` per piece
/// checked uniqueness and capacity and stored the count each time, which was most of what the
/// head builders cost. Writing past the reserved bound traps: a bound too small is a crash,
/// never a corrupted head.
struct HeadCursor {
    private let start: UnsafeMutablePointer<UInt8>
    private var next: UnsafeMutablePointer<UInt8>
    private let end: UnsafeMutablePointer<UInt8>

    init(_ space: UnsafeMutableBufferPointer<UInt8>) {
        start = space.baseAddress!
        next = start
        end = start + space.count
    }

    /// Bytes written so far.
    var count: Int { next - start }

    @inline(__always)
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        precondition(count <= end - next, "head larger than its bound")
        if count > 0 { Self.copy(bytes.baseAddress!, to: UnsafeMutableRawPointer(next), count: count) }
        next += count
    }

    /// Up to 16 bytes as two overlapping loads and stores: most names and many values are
    /// that short, and a call to memcpy costs more than the copy.
    @inline(__always)
    private static func copy(_ source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int) {
        switch count {
        case 17...:
            target.copyMemory(from: source, byteCount: count)
        case 8...:
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        case 4...:
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        case 2...:
            let head = source.loadUnaligned(as: UInt16.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
            target.storeBytes(of: head, as: UInt16.self)
            target.storeBytes(of: tail, toByteOffset: count - 2, as: UInt16.self)
        case 1:
            target.storeBytes(of: source.load(as: UInt8.self), as: UInt8.self)
        default:
            break
        }
    }

    @inline(__always)
    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    @inline(__always)
    mutating func write(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func write(_ range: ByteRange, of buffer: UnsafeRawBufferPointer) {
        write(UnsafeRawBufferPointer(rebasing: buffer[range.range]))
    }

    @inline(__always)
    mutating func write(byte: UInt8) {
        precondition(next < end, "head larger than its bound")
        next.pointee = byte
        next += 1
    }

    @inline(__always)
    mutating func writeLineEnd() {
        precondition(end - next >= 2, "head larger than its bound")
        next[0] = UInt8(ascii: "\r")
        next[1] = UInt8(ascii: "\n")
        next += 2
    }

    /// `name: value` CRLF: `HeadBound.field` bytes.
    @inline(__always)
    mutating func writeField(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
        write(name)
        precondition(end - next >= 2, "head larger than its bound")
        next[0] = UInt8(ascii: ":")
        next[1] = UInt8(ascii: " ")
        next += 2
        write(value)
        writeLineEnd()
    }

    @inline(__always)
    mutating func writeField(_ name: [UInt8], _ value: [UInt8]) {
        name.withUnsafeBytes { name in value.withUnsafeBytes { writeField(name, $0) } }
    }

    /// `n` in decimal: at most `HeadBound.decimal` bytes.
    mutating func writeDecimal(_ n: Int64) {
        if n < 0 { write(byte: UInt8(ascii: "-")) }
        var value = n.magnitude
        var digits = 1
        var power: UInt64 = 10
        while digits < 20 && value >= power {
            digits += 1
            power &*= 10
        }
        precondition(digits <= end - next, "head larger than its bound")
        var position = next + digits
        repeat {
            position -= 1
            position.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            value /= 10
        } while value > 0
        next += digits
    }

    /// A status code: three digits, without the loops of `writeDecimal`.
    @inline(__always)
    mutating func writeStatus(_ status: Int) {
        guard (100...999).contains(status), end - next >= 3 else { return writeDecimal(Int64(status)) }
        let digits = UInt8(truncatingIfNeeded: status / 100), rest = status % 100
        next[0] = UInt8(ascii: "0") &+ digits
        next[1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / 10)
        next[2] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
        next += 3
    }
}

/// What the pieces of a head take at most, for the bound a builder reserves.
enum HeadBound {
    /// `: ` and CR LF around a field's name and value.
    static let fieldSeparators = 4
    /// A sign and 19 digits.
    static let decimal = 20

    @inline(__always)
    static func field(_ name: [UInt8], _ value: [UInt8]) -> Int { name.count &+ value.count &+ fieldSeparators }

    @inline(__always)
    static func field(_ field: HTTPHeaderField) -> Int { field.name.count &+ field.value.count &+ fieldSeparators }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes, at most `bound` bytes, growing the array at most once (not
    /// at all when the caller reserved enough).
    @inline(__always)
    mutating func appendHead(atMost bound: Int, _ body: (inout HeadCursor) -> Void) {
        // At least one byte, so the space always has an address.
        append(addingCapacity: Swift.max(bound, 1)) { span in
            span.withUnsafeMutableBufferPointer { space, initialized in
                var cursor = HeadCursor(space)
                body(&cursor)
                initialized = cursor.count
            }
        }
    }
}

/// Field lines passed on as the sender wrote them. A line that is exactly `name: value` CR LF
/// is copied whole, and such lines that follow one another in the buffer go out as one copy:
/// a handful of copies for most heads, not four appends a field.
struct PassedLines {
    private var runStart = 0
    private var runEnd = 0

    /// Extending the run, the common case, writes nothing and stays inline; the rest is out
    /// of line.
    @inline(__always)
    mutating func pass(_ field: HTTPHeaderField, of buffer: UnsafeRawBufferPointer, to cursor: inout HeadCursor) {
        if field.name.offset == runEnd, let lineEnd = Self.wholeLineEnd(of: field, in: buffer) {
            runEnd = lineEnd
        } else {
            start(field, of: buffer, to: &cursor)
        }
    }

    @inline(never)
    private mutating func start(_ field: HTTPHeaderField, of buffer: UnsafeRawBufferPointer, to cursor: inout HeadCursor) {
        flush(of: buffer, to: &cursor)
        if let lineEnd = Self.wholeLineEnd(of: field, in: buffer) {
            runStart = field.name.offset
            runEnd = lineEnd
        } else {
            // No later line may extend the run across this one.
            runEnd = -1
            cursor.write(field.name, of: buffer)
            cursor.write(": ")
            cursor.write(field.value, of: buffer)
            cursor.writeLineEnd()
        }
    }

    /// Where the field's line ends when its bytes are exactly `name: value` CR LF; else nil.
    @inline(__always)
    private static func wholeLineEnd(of field: HTTPHeaderField, in buffer: UnsafeRawBufferPointer) -> Int? {
        let name = field.name
        let value = field.value
        let lineEnd = value.end &+ 2
        guard value.offset == name.end &+ 2, name.offset >= 0, lineEnd <= buffer.count,
              UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: name.end, as: UInt16.self)) == colonSpace,
              UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: value.end, as: UInt16.self)) == crlf
        else { return nil }
        return lineEnd
    }

    /// `: ` and CR LF read as little-endian 16-bit words.
    private static var colonSpace: UInt16 { 0x203A }
    private static var crlf: UInt16 { 0x0A0D }

    /// Writes the run so far; before anything else is written, and after the last field.
    @inline(__always)
    mutating func flush(of buffer: UnsafeRawBufferPointer, to cursor: inout HeadCursor) {
        guard runStart < runEnd else { return }
        cursor.write(UnsafeRawBufferPointer(rebasing: buffer[runStart..<runEnd]))
        runStart = runEnd
    }
}
