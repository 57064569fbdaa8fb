import SwitchyardReactor

/// A read into a shared scratch buffer behind the bytes a connection carried over from its
/// last read (a split head or frame header): parsers then always see one contiguous region,
/// and the carried bytes are the only per-connection memory, allocated only when a split
/// happens.
enum CarriedRead {
    enum Outcome {
        /// The carried bytes and the new ones, from the buffer's start. The stash is empty now.
        case bytes(UnsafeMutableRawBufferPointer)
        case wouldBlock
        case closed
        case failed(SysError)
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, carrying stash: inout [UInt8]) -> Outcome {
        let carried = stash.count
        if carried > 0 {
            stash.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: carried) }
        }
        let result: IOResult<Int>
        do {
            result = try Sys.read(fd, UnsafeMutableRawBufferPointer(rebasing: buffer[carried...]))
        } catch {
            return .failed(error)
        }
        switch result {
        case .wouldBlock:
            return .wouldBlock
        case .value(0):
            return .closed
        case .value(let n):
            // Freed, not kept: a connection that split a header once should not hold the
            // capacity while it sits idle.
            if carried > 0 { stash = [] }
            return .bytes(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<carried + n]))
        }
    }

    /// Keeps `bytes` for the next read.
    static func carry(_ bytes: UnsafeRawBufferPointer, in stash: inout [UInt8]) {
        stash = Array(bytes)
    }
}
