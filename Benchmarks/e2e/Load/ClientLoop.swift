import SwitchyardReactor

/// The event loop of a client, and the one way to run it: in rounds of at most 20 ms, so a
/// client checks its phase and its hard deadline at least that often even when nothing
/// happens on its sockets.
enum ClientLoop {
    static func make() -> EventLoop? {
        do {
            return try EventLoop(handle: LoopHandle(id: 0), log: ErrorLog(), maxEvents: 1024)
        } catch {
            Output.error("sy-load: \(error)")
            return nil
        }
    }

    /// Runs rounds while `more()` holds and `until` has not passed; false when it stopped
    /// at the deadline.
    @discardableResult
    static func run(_ loop: EventLoop, until deadline: Deadline, while more: () -> Bool) -> Bool {
        while more() {
            let wait = deadline.remainingMs
            if wait == 0 { return false }
            loop.runOnce(maxWaitMs: min(wait, 20))
        }
        return true
    }
}

/// The read buffer all connections of a client share: 256 KiB, enough for a whole 16 KiB echo
/// or a 64 KiB download in one recv.
final class ClientScratch {
    let buffer: UnsafeMutableRawBufferPointer

    init(size: Int = 256 << 10) {
        buffer = .allocate(byteCount: size, alignment: 4096)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit {
        buffer.deallocate()
    }
}

@available(*, unavailable)
extension ClientScratch: Sendable {}
