import CTestSupport
import Glibc

/// Byte count and FNV-1a hash of a stream, computed in C: debug-built Swift is far too slow
/// per byte for hundreds of MiB.
public struct StreamDigest: Sendable, Equatable, CustomStringConvertible {
    public static let fnvOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    public private(set) var count = 0
    public private(set) var hash = StreamDigest.fnvOffsetBasis

    public init() {}

    public init(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0) }
    }

    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        hash = CTestSupport_fnv1a(hash, bytes.baseAddress, bytes.count)
        count += bytes.count
    }

    public var description: String { "\(count) bytes, fnv1a \(String(hash, radix: 16))" }
}

/// Bulk transfers in large chunks with send/recv, hashing as they go.
public enum Transfer {
    public static let defaultChunk = 1 << 20

    /// The seed of chunk `index` of a pattern stream: every chunk differs, so a lost,
    /// repeated or reordered chunk changes the hash.
    static func chunkSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
        (seed ^ (UInt64(index) &+ 1) &* 0x9E37_79B9_7F4A_7C15) | 1
    }

    /// Sends `total` pattern bytes derived from `seed` and returns their digest.
    public static func sendPattern(_ fd: Int32, total: Int, seed: UInt64, chunk: Int = defaultChunk,
                                   deadline: Deadline) throws -> StreamDigest {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var digest = StreamDigest()
        var index = 0
        while digest.count < total {
            let length = min(chunk, total - digest.count)
            CTestSupport_fillPattern(buffer.baseAddress, length, chunkSeed(seed, index))
            let piece = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
            try TCP.sendAll(fd, piece, deadline: deadline)
            digest.add(piece)
            index += 1
        }
        return digest
    }

    /// The digest `sendPattern` would report for the same arguments, without a socket.
    public static func patternDigest(total: Int, seed: UInt64, chunk: Int = defaultChunk) -> StreamDigest {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var digest = StreamDigest()
        var index = 0
        while digest.count < total {
            let length = min(chunk, total - digest.count)
            CTestSupport_fillPattern(buffer.baseAddress, length, chunkSeed(seed, index))
            digest.add(UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
            index += 1
        }
        return digest
    }

    /// Receives until EOF, hashing; throws on a reset, an error or the deadline (the error
    /// says how many bytes had arrived).
    public static func receiveDigest(_ fd: Int32, chunk: Int = defaultChunk, deadline: Deadline) throws -> StreamDigest {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var digest = StreamDigest()
        while true {
            let n: Int
            do {
                n = try TCP.receiveSome(fd, into: buffer, deadline: deadline)
            } catch let error as HarnessError {
                throw HarnessError("\(error.description) after \(digest.count) bytes", code: error.code)
            }
            if n == 0 { return digest }
            digest.add(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}
