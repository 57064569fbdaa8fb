import SwitchyardReactor

/// What all connections of one backend process share: the loop's scratch buffers and the
/// fixed bytes they send. Everything runs on one thread, and a connection is done with the
/// scratch before its handler returns, so one set serves thousands of connections; an idle
/// connection then holds a small object and no buffer at all.
final class BackendContext {
    /// Reads land here: 1 MiB, so a bulk upload drains in few recv calls.
    let input: UnsafeMutableRawBufferPointer
    /// Echo frames are assembled here before their one send. Never longer than the input it
    /// was made from (a server header is 4 bytes shorter than the masked client header), plus
    /// answers to the request heads in front (`outputHeadroom`).
    let output: UnsafeMutableRawBufferPointer
    /// The source of `D` downloads: 1 MiB of a fixed pattern.
    let bulk: UnsafeMutableRawBufferPointer

    static let inputSize = 1 << 20
    /// The largest head we wait for; anything longer is not one of our clients.
    static let maxHeadLength = 16 << 10
    /// Room in `output` for answers to heads read in one go (a handshake, health checks).
    static let outputHeadroom = 64 << 10

    init() {
        input = .allocate(byteCount: Self.inputSize, alignment: 4096)
        output = .allocate(byteCount: Self.inputSize + Self.outputHeadroom + 4096, alignment: 4096)
        bulk = .allocate(byteCount: 1 << 20, alignment: 4096)
        input.initializeMemory(as: UInt8.self, repeating: 0)
        output.initializeMemory(as: UInt8.self, repeating: 0)
        for index in 0..<bulk.count { bulk[index] = UInt8(truncatingIfNeeded: index &* 7 &+ 3) }
    }

    deinit {
        input.deallocate()
        output.deallocate()
        bulk.deallocate()
    }

    /// Closes a connection's socket: forgotten by the loop, then closed.
    static func close(_ fd: Int32, loop: EventLoop) {
        loop.deregister(fd: fd)
        Sys.close(fd)
    }
}

@available(*, unavailable)
extension BackendContext: Sendable {}
