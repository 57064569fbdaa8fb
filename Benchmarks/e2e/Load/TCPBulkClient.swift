import Glibc
import SwitchyardReactor

/// `tcp-bulk`: one connection moving N bytes up or down, for Gbit/s.
///
/// Wire protocol with `backend tcp`: a 9-byte header, the op (`U` upload, `D` download) and N
/// as a big-endian UInt64. Upload: N bytes follow and the backend answers one byte `K` once
/// it has them all. Download: the backend sends N bytes and closes.
enum TCPBulkClient {
    /// 1 MiB per send/recv: few syscalls per GiB, and loopback moves it in one go.
    static let chunk = 1 << 20

    static func run(_ options: Options) throws(UsageError) -> Int32 {
        let target = try options.target()
        let bytes = try options.int("bytes")
        let direction = try options.string("direction")
        guard direction == "up" || direction == "down" else { throw UsageError("--direction wants up or down") }
        let deadline = try options.deadline()

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buffer.deallocate() }
        // Touch every page now, so the first GiB is not slowed by page faults.
        for index in 0..<chunk { buffer[index] = UInt8(truncatingIfNeeded: index &* 31) }

        let start = Nanos.now()
        var moved = 0
        var errors = 0
        var timedOut = false
        do throws(BlockingSocket.Failure) {
            let socket = try BlockingSocket(connectingTo: target, deadline: deadline)
            let op = direction == "up" ? TCPBulkHeader.upload : TCPBulkHeader.download
            try socket.sendAll(TCPBulkHeader.bytes(op: op, length: UInt64(bytes)), deadline: deadline)
            if direction == "up" {
                while moved < bytes {
                    let n = min(chunk, bytes - moved)
                    try socket.sendAll(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), deadline: deadline)
                    moved += n
                }
                let got = try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<1]), deadline: deadline)
                if got != 1 || buffer[0] != TCPBulkHeader.acknowledgement { errors += 1 }
            } else {
                while true {
                    let n = try socket.receive(into: buffer, deadline: deadline)
                    if n == 0 { break }
                    moved += n
                }
                if moved != bytes { errors += 1 }
            }
        } catch .timedOut {
            timedOut = true
        } catch {
            // Nothing moved at all means the run could not be done; a failure half-way is an
            // error of the run, reported with what was measured.
            if moved == 0 {
                Output.error("sy-load tcp-bulk: \(error)")
                return 1
            }
            errors += 1
        }
        let seconds = Double(Nanos.now() - start) / 1e9

        var json = JSONLine()
        json.add("bytes", moved)
        json.add("seconds", seconds, decimals: 6)
        json.add("gbps", Double(moved) * 8 / seconds / 1e9)
        json.add("errors", errors)
        if timedOut { json.add("timedOut", true) }
        Output.line(json.rendered)
        return timedOut ? 1 : 0
    }
}

/// The 9-byte header of the tcp backend's protocol.
enum TCPBulkHeader {
    static let size = 9
    static let upload = UInt8(ascii: "U")
    static let download = UInt8(ascii: "D")
    static let acknowledgement = UInt8(ascii: "K")

    static func bytes(op: UInt8, length: UInt64) -> [UInt8] {
        var header = encode(op: op, length: length)
        return withUnsafeBytes(of: &header) { Array($0[0..<size]) }
    }

    /// The header in the first 9 bytes of a 16-byte value (op, then N big-endian).
    static func encode(op: UInt8, length: UInt64) -> (UInt64, UInt64) {
        var value: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &value) { raw in
            raw[0] = op
            raw.storeBytes(of: length.bigEndian, toByteOffset: 1, as: UInt64.self)
        }
        return value
    }
}
