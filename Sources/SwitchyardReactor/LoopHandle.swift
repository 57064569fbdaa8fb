import Glibc
import Synchronization

/// The only part of a loop other threads may touch: they queue a job and poke the eventfd,
/// and the loop runs the job on its own thread at its next wake-up.
public final class LoopHandle: Sendable {
    public typealias Job = @Sendable (EventLoop) -> Void

    /// The handle owns the eventfd, so a late `execute` from another thread never writes to
    /// a descriptor number the loop has closed and the kernel has reused.
    private let wakeFD: Mutex<OwnedFD>
    let rawWakeFD: Int32
    private let inbox = Mutex<[Job]>([])
    public let id: Int

    public init(id: Int) throws(SysError) {
        let fd = try Sys.eventfd()
        self.rawWakeFD = fd
        self.wakeFD = Mutex(OwnedFD(fd))
        self.id = id
    }

    public func execute(_ job: @escaping Job) {
        inbox.withLock { $0.append(job) }
        var one: UInt64 = 1
        _ = Glibc.write(rawWakeFD, &one, 8)
    }

    func takeJobs() -> [Job] {
        var counter: UInt64 = 0
        _ = Glibc.read(rawWakeFD, &counter, 8)
        return inbox.withLock { jobs in
            let taken = jobs
            jobs.removeAll()
            return taken
        }
    }
}
