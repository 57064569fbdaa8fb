import CTestSupport
import Glibc

// RFC 6455 for the tests, written independently of SwitchyardWire (TestSupport does not
// depend on the product, and a test should not check the product with its own code): the
// handshake's accept value (SHA-1 and Base64), frame heads, masking, and a buffered socket
// that reads heads and frames without copying megabytes a byte at a time.

/// The pieces of RFC 6455 the WebSocket backend and clients share.
public enum WebSocketWire {
    /// RFC 6455 §1.3: appended to the key before hashing.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// Opcodes (RFC 6455 §5.2).
    public static let continuation: UInt8 = 0x0
    public static let text: UInt8 = 0x1
    public static let binary: UInt8 = 0x2
    public static let close: UInt8 = 0x8
    public static let ping: UInt8 = 0x9
    public static let pong: UInt8 = 0xA

    /// `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + GUID)).
    public static func accept(key: String) -> String {
        TestBase64.encode(TestSHA1.digest(Array((key + guid).utf8)))
    }

    /// A fresh `Sec-WebSocket-Key`: 16 random bytes in Base64.
    public static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return TestBase64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Whether `key` is a valid `Sec-WebSocket-Key`: Base64 of exactly 16 bytes.
    public static func isValidKey(_ key: String) -> Bool {
        TestBase64.decode(key)?.count == 16
    }

    /// A random non-zero masking key.
    public static func randomMask() -> UInt32 {
        UInt32.random(in: 1...UInt32.max)
    }

    /// A frame head: FIN, RSV 0, `opcode`, the shortest length encoding for `length`, and the
    /// masking key when `mask` is given.
    public static func head(fin: Bool, opcode: UInt8, length: Int, mask: UInt32?) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | (opcode & 0x0F)]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        if length < 126 {
            bytes.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            bytes += [maskBit | 126, UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            bytes.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((UInt64(length) >> UInt64(shift)) & 0xFF)) }
        }
        if let mask { bytes += maskBytes(mask) }
        return bytes
    }

    /// The four bytes of a masking key as they go on the wire.
    public static func maskBytes(_ mask: UInt32) -> [UInt8] {
        [UInt8(mask >> 24), UInt8((mask >> 16) & 0xFF), UInt8((mask >> 8) & 0xFF), UInt8(mask & 0xFF)]
    }

    /// XORs `bytes` with the key (RFC 6455 §5.3; the key's byte i applies to payload bytes
    /// i, i+4, ...): masks and unmasks alike. Eight bytes at a time, so that 16 MiB takes
    /// milliseconds even in a debug build.
    public static func applyMask(_ bytes: UnsafeMutableRawBufferPointer, key: [UInt8]) {
        precondition(key.count == 4)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { raw in
            for index in 0..<8 { raw[index] = key[index % 4] }
        }
        let words = bytes.count / 8
        if Int(bitPattern: base) % 8 == 0 {
            let typed = base.assumingMemoryBound(to: UInt64.self)
            for index in 0..<words { typed[index] ^= word }
        } else {
            for index in 0..<words {
                let value = base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
                base.storeBytes(of: value ^ word, toByteOffset: index * 8, as: UInt64.self)
            }
        }
        let typed = base.assumingMemoryBound(to: UInt8.self)
        for index in (words * 8)..<bytes.count { typed[index] ^= key[index % 4] }
    }

    /// `payload` masked with `mask` (a copy).
    public static func masked(_ payload: [UInt8], mask: UInt32) -> [UInt8] {
        var copy = payload
        let key = maskBytes(mask)
        copy.withUnsafeMutableBytes { applyMask($0, key: key) }
        return copy
    }

    /// A close frame's payload: the code, big-endian, then `reason`.
    public static func closePayload(code: UInt16, reason: String = "") -> [UInt8] {
        [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8)
    }

    /// `count` deterministic pattern bytes from `seed` (the xorshift stream of `Transfer`).
    public static func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { CTestSupport_fillPattern(buffer.baseAddress, count, seed) }
            initialized = count
        }
    }

    /// Whether two byte arrays are equal, by memcmp (debug Swift compares 16 MiB element by
    /// element far too slowly).
    public static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }

    /// The index of the first byte where `a` and `b` differ (or the shorter count), for
    /// failure messages.
    public static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let common = min(a.count, b.count)
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                var low = 0, high = common
                // Bisect on memcmp: debug Swift stays fast on megabytes.
                while high - low > 64 {
                    let middle = (low + high) / 2
                    if memcmp(x.baseAddress! + low, y.baseAddress! + low, middle - low) != 0 { high = middle } else { low = middle }
                }
                for index in low..<high where x[index] != y[index] { return index }
                return high
            }
        }
    }
}

/// One frame as read off the wire, its payload already unmasked.
public struct WebSocketFrame: Sendable, CustomStringConvertible {
    public let fin: Bool
    /// The three RSV bits (must be 0 without an extension).
    public let rsv: UInt8
    public let opcode: UInt8
    /// Whether the frame carried a masking key (every client frame must; no server frame may).
    public let masked: Bool
    public let payload: [UInt8]

    public var isControl: Bool { opcode & 0x8 != 0 }

    /// The status code of a close frame, if its payload has one.
    public var closeCode: UInt16? {
        guard opcode == WebSocketWire.close, payload.count >= 2 else { return nil }
        return UInt16(payload[0]) << 8 | UInt16(payload[1])
    }

    public var description: String {
        let shown = payload.count <= 32 ? " \(payload.visible)" : ""
        return "frame(fin=\(fin) rsv=\(rsv) opcode=\(opcode) masked=\(masked) \(payload.count) bytes\(shown))"
    }
}

/// A blocking socket read through a 64 KiB buffer: HTTP heads, then WebSocket frames whose
/// payloads go straight into their own arrays (no per-byte work, no quadratic copies).
public final class FrameSocket {
    public let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0

    public init(fd: Int32) {
        self.fd = fd
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Bytes received and not consumed yet.
    public var buffered: Int { end - start }

    /// One recv into the free part of the buffer: the count, 0 at EOF; throws on an error or
    /// at the deadline.
    private func fill(deadline: Deadline) throws -> Int {
        if start == end { start = 0; end = 0 }
        if end == buffer.count {
            // Move what is pending to the front.
            let pending = end - start
            memmove(buffer.baseAddress!, buffer.baseAddress! + start, pending)
            start = 0
            end = pending
        }
        guard end < buffer.count else { throw HarnessError("frame socket: buffer full") }
        let n = try TCP.receiveSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]), deadline: deadline)
        end += n
        return n
    }

    /// Everything through the first CRLFCRLF, or nil if the stream ends first; at most
    /// `limit` bytes.
    public func readHead(deadline: Deadline, limit: Int = 32 << 10) throws -> [UInt8]? {
        var searched = start
        for _ in 0..<100_000 {
            var index = max(start, searched - 3)
            while index + 4 <= end {
                if buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
                    let head = Array(buffer[start..<(index + 4)])
                    start = index + 4
                    return head
                }
                index += 1
            }
            searched = end
            if end - start > limit { throw HarnessError("no end of head within \(limit) bytes") }
            if try fill(deadline: deadline) == 0 { return nil }
        }
        throw HarnessError("no end of head after 100,000 reads")
    }

    /// Exactly `count` bytes: buffered ones first, the rest straight from the socket. Throws
    /// on EOF before that (saying how many came), an error, or the deadline.
    public func readExactly(_ count: Int, deadline: Deadline) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            let raw = UnsafeMutableRawBufferPointer(target)
            let fromBuffer = min(count, end - start)
            if fromBuffer > 0 {
                memcpy(raw.baseAddress!, buffer.baseAddress! + start, fromBuffer)
                start += fromBuffer
            }
            var filled = fromBuffer
            while filled < count {
                let n = try TCP.receiveSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), deadline: deadline)
                if n == 0 { throw HarnessError("EOF after \(filled) of \(count) bytes", code: 0) }
                filled += n
            }
            initialized = count
        }
    }

    /// The next frame, payload unmasked; throws when the stream ends or breaks inside one,
    /// or when the payload is over `maxPayload`.
    public func readFrame(deadline: Deadline, maxPayload: Int = 64 << 20) throws -> WebSocketFrame {
        let first = try readExactly(2, deadline: deadline)
        let fin = first[0] & 0x80 != 0
        let rsv = (first[0] >> 4) & 0x7
        let opcode = first[0] & 0x0F
        let masked = first[1] & 0x80 != 0
        var length = Int(first[1] & 0x7F)
        if length == 126 {
            let extended = try readExactly(2, deadline: deadline)
            length = Int(extended[0]) << 8 | Int(extended[1])
        } else if length == 127 {
            let extended = try readExactly(8, deadline: deadline)
            var value: UInt64 = 0
            for byte in extended { value = value << 8 | UInt64(byte) }
            guard value <= UInt64(maxPayload) else { throw HarnessError("frame of \(value) bytes, over \(maxPayload)") }
            length = Int(value)
        }
        guard length <= maxPayload else { throw HarnessError("frame of \(length) bytes, over \(maxPayload)") }
        let key = masked ? try readExactly(4, deadline: deadline) : []
        var payload = try readExactly(length, deadline: deadline)
        if masked { payload.withUnsafeMutableBytes { WebSocketWire.applyMask($0, key: key) } }
        return WebSocketFrame(fin: fin, rsv: rsv, opcode: opcode, masked: masked, payload: payload)
    }

    /// Sends one frame: the head, then the payload (masked here with `mask` when given), in
    /// two sends so that a 16 MiB payload is never copied into a head-plus-payload array.
    public func sendFrame(fin: Bool = true, opcode: UInt8, payload: [UInt8], mask: UInt32?, deadline: Deadline) throws {
        try TCP.sendAll(fd, WebSocketWire.head(fin: fin, opcode: opcode, length: payload.count, mask: mask), deadline: deadline)
        guard !payload.isEmpty else { return }
        if let mask {
            try TCP.sendAll(fd, WebSocketWire.masked(payload, mask: mask), deadline: deadline)
        } else {
            try TCP.sendAll(fd, payload, deadline: deadline)
        }
    }

    /// Reads until the peer ends the connection or `deadline`: how it ended and how many
    /// bytes came first (buffered ones included).
    public func waitForEnd(deadline: Deadline) -> (end: TCP.End, bytes: Int) {
        let pending = end - start
        start = end
        let rest = TCP.waitForEnd(fd, deadline: deadline)
        return (rest.end, rest.bytes + pending)
    }
}

/// SHA-1 (FIPS 180-4) for handshake keys: a few dozen bytes, so plain Swift is fine.
enum TestSHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var padded = message + [0x80]
        while padded.count % 64 != 56 { padded.append(0) }
        let bits = UInt64(message.count) * 8
        for shift in stride(from: 56, through: 0, by: -8) { padded.append(UInt8((bits >> UInt64(shift)) & 0xFF)) }
        var w = [UInt32](repeating: 0, count: 80)
        for block in stride(from: 0, to: padded.count, by: 64) {
            for t in 0..<16 {
                let i = block + t * 4
                w[t] = UInt32(padded[i]) << 24 | UInt32(padded[i + 1]) << 16 | UInt32(padded[i + 2]) << 8 | UInt32(padded[i + 3])
            }
            for t in 16..<80 { w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for t in 0..<80 {
                let (f, k): (UInt32, UInt32)
                switch t {
                case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
                }
                let temp = rotl(a, 5) &+ f &+ e &+ k &+ w[t]
                (e, d, c, b, a) = (d, c, rotl(b, 30), a, temp)
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d; h[4] = h[4] &+ e
        }
        return h.flatMap { [UInt8($0 >> 24), UInt8(($0 >> 16) & 0xFF), UInt8(($0 >> 8) & 0xFF), UInt8($0 & 0xFF)] }
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
}

/// Base64 (RFC 4648, standard alphabet, padded).
enum TestBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        for index in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = UInt32(chunk[0]) << 16 | UInt32(chunk.count > 1 ? chunk[1] : 0) << 8 | UInt32(chunk.count > 2 ? chunk[2] : 0)
            out.append(alphabet[Int(value >> 18) & 63])
            out.append(alphabet[Int(value >> 12) & 63])
            out.append(chunk.count > 1 ? alphabet[Int(value >> 6) & 63] : UInt8(ascii: "="))
            out.append(chunk.count > 2 ? alphabet[Int(value) & 63] : UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of padded Base64 `text`, or nil if it is not that.
    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: chars.count, by: 4) {
            var value: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let char = chars[index + offset]
                if char == UInt8(ascii: "=") {
                    guard index + 4 == chars.count, offset >= 2 else { return nil }
                    padding += 1
                    value <<= 6
                    continue
                }
                guard padding == 0, let digit = alphabet.firstIndex(of: char) else { return nil }
                value = value << 6 | UInt32(digit)
            }
            out.append(UInt8(value >> 16))
            if padding < 2 { out.append(UInt8((value >> 8) & 0xFF)) }
            if padding < 1 { out.append(UInt8(value & 0xFF)) }
        }
        return out
    }
}
