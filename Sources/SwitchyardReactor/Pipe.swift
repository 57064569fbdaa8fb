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

/// Pipes of one loop. A tunnel borrows a pipe only while it is moving bytes, so an idle
/// tunnel holds none; a pipe that still holds bytes is never returned (it is closed
/// instead), so no tunnel can receive another tunnel's bytes.
///
/// With a loop, a flow whose pipe has just emptied may keep it (`keep`): taking a pipe and
/// giving it back cost about 500 instructions per small message, a fifth of an echo. Once a
/// second a sweep takes back the pipes of flows that moved nothing since the last sweep, so
/// an idle tunnel still gives its pipe back within two seconds; and only `keptLimit` flows
/// keep one at a time, so thousands of tunnels waking at once cannot pin thousands of pipes.
public final class PipePool: TimerHandler {
    public let pipeSize: Int
    public let maxIdle: Int
    private var idle: [Pipe] = []
    public private(set) var created = 0
    public private(set) var lent = 0

    /// The loop that runs the sweep; nil keeps no pipe between messages.
    private unowned(unsafe) let loop: EventLoop?
    /// Flows that kept a pipe, and ended ones not swept out yet.
    private var keepers: [TunnelFlow] = []
    /// Of `keepers`, those not ended: what `keptLimit` counts.
    private var liveKept = 0
    private let sweepTimer = LoopTimer()
    public static let keptLimit = 512
    private let sweepMs: Int64

    public init(pipeSize: Int = 262_144, maxIdle: Int = 64, loop: EventLoop? = nil, sweepMs: Int64 = 1000) {
        self.pipeSize = pipeSize
        self.maxIdle = maxIdle
        self.loop = loop
        self.sweepMs = sweepMs
        sweepTimer.handler = self
    }

    /// Flows keeping a pipe now.
    public var keptCount: Int { liveKept }

    /// Lets `flow`, whose pipe just emptied, keep it until a sweep finds the flow idle.
    /// False when it may not (no loop, or too many keep one already): it gives the pipe back.
    func keep(_ flow: TunnelFlow) -> Bool {
        if flow.kept {
            flow.usedSinceSweep = true
            return true
        }
        guard let loop, liveKept < Self.keptLimit else { return false }
        liveKept += 1
        flow.kept = true
        flow.usedSinceSweep = true
        keepers.append(flow)
        if !sweepTimer.isArmed { loop.arm(sweepTimer, afterMs: sweepMs) }
        return true
    }

    /// A kept flow ended (its pipe already went back): it no longer counts.
    func keptFlowEnded(_ flow: TunnelFlow) {
        liveKept -= 1
    }

    public func timerFired(_ timer: LoopTimer, now: Int64) {
        keepers.removeAll { flow in
            if flow.done {
                flow.kept = false
                return true
            }
            if flow.usedSinceSweep {
                flow.usedSinceSweep = false
                return false
            }
            flow.kept = false
            liveKept -= 1
            flow.giveBackIdlePipe(self)
            return true
        }
        if let loop, !keepers.isEmpty { loop.arm(sweepTimer, afterMs: sweepMs) }
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
