import Glibc
import SwitchyardReactor

/// Bytes the session made itself (a rebuilt head, an error page) waiting to be written,
/// with the partial-write offset.
struct OutputBuffer {
    private(set) var bytes: [UInt8] = []
    private var offset = 0

    var isEmpty: Bool { offset == bytes.count }
    var pendingCount: Int { bytes.count - offset }

    mutating func append(_ more: [UInt8]) {
        if isEmpty {
            bytes = more
            offset = 0
        } else {
            bytes.append(contentsOf: more)
        }
    }

    /// Lets `build` append in place, so a buffer reused from request to request keeps its
    /// capacity instead of taking a new array each time.
    mutating func append(building build: (inout [UInt8]) -> Void) {
        if isEmpty && !bytes.isEmpty {
            bytes.removeAll(keepingCapacity: true)
            offset = 0
        }
        if bytes.capacity < 1024 { bytes.reserveCapacity(1024) }  // one allocation, not one per doubling
        build(&bytes)
    }

    /// Writes what the socket takes. Returns the bytes written; `.wouldBlock` leaves the rest.
    mutating func flush(to transport: Transport) throws(SysError) -> Int {
        var written = 0
        while offset < bytes.count {
            let start = offset
            let result: IOResult<Int>
            do {
                result = try bytes.withUnsafeBytes { raw in
                    try transport.write(UnsafeRawBufferPointer(rebasing: raw[start...]))
                }
            } catch let error as SysError {
                throw error
            } catch {
                preconditionFailure("Transport.write throws only SysError")
            }
            guard case .value(let n) = result else { break }
            offset += n
            written += n
        }
        return written
    }
}
