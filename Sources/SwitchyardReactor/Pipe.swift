import CSwitchyardShims

/// A kernel pipe used as splice's in-flight buffer, with the count of bytes it holds.
/// The count is what tells splice's two EAGAINs apart: an EAGAIN reading into an empty
/// pipe means the socket is empty, never that the pipe is full.
public final class Pipe {
    public let readFD: Int32
    public let writeFD: Int32
    public let capacity: Int
    /// Bytes spliced in and not yet spliced out.
    public var queued = 0

    init(size: Int) throws(SysError) {
        let (r, w) = try Sys.pipe2()
        readFD = r
        writeFD = w
        // Size on purpose: the default is 16 pages, and past fs.pipe-user-pages-soft an
        // unprivileged user's new pipes shrink to one page.
        capacity = (try? Sys.setPipeSize(w, size)) ?? 65536
    }

    deinit {
        Sys.close(readFD)
        Sys.close(writeFD)
    }
}

@available(*, unavailable)
extension Pipe: Sendable {}

/// Pipes of one loop. A tunnel borrows a pipe only while bytes are in flight, so an idle
/// tunnel holds none; a pipe that still holds bytes is never returned (it is closed
/// instead), so no tunnel can receive another tunnel's bytes.
public final class PipePool {
    public let pipeSize: Int
    public let maxIdle: Int
    private var idle: [Pipe] = []
    public private(set) var created = 0
    public private(set) var lent = 0

    public init(pipeSize: Int = 262_144, maxIdle: Int = 64) {
        self.pipeSize = pipeSize
        self.maxIdle = maxIdle
    }

    public var idleCount: Int { idle.count }

    public func take() throws(SysError) -> Pipe {
        lent += 1
        if let pipe = idle.popLast() { return pipe }
        do {
            let pipe = try Pipe(size: pipeSize)
            created += 1
            return pipe
        } catch {
            lent -= 1
            throw error
        }
    }

    public func give(_ pipe: Pipe) {
        lent -= 1
        guard pipe.queued == 0, idle.count < maxIdle else { return }  // dropped, so closed
        idle.append(pipe)
    }
}

@available(*, unavailable)
extension PipePool: Sendable {}
