/// Which end of a tunnel: the accepted client, or the connection we opened.
public enum TunnelSide: Sendable, Hashable, CustomStringConvertible {
    case client, upstream

    public var description: String { self == .client ? "client" : "upstream" }
}

/// How a flow moves bytes: through a pipe with splice (the bytes never enter user space),
/// or through a ring buffer with read/write (inspection, TLS, or splice turned off).
public enum TunnelMode: Sendable, Hashable {
    case splice
    case copy(bufferSize: Int)
}

/// A failure inside a tunnel, with the side whose socket failed.
public struct TunnelFailure: Error {
    public var side: TunnelSide
    public var error: SysError
}

/// One direction of a tunnel: bytes from `source` to `destination`.
final class TunnelFlow {
    let source: Transport
    let destination: Transport
    /// The two descriptors, read on every event: asking the transports goes through a
    /// protocol witness each time.
    let sourceFD: Int32
    let destinationFD: Int32
    let sourceSide: TunnelSide
    let destinationSide: TunnelSide
    let mode: TunnelMode
    private var pipe: Pipe?
    private var ring: RingBuffer?
    /// The source sent FIN.
    private(set) var sourceEOF = false
    /// The FIN has been passed on (or the flow stopped): nothing more will move.
    private(set) var done = false
    private(set) var bytes: UInt64 = 0
    /// Of `bytes`, those that went through user space (copy mode, or a splice flow that
    /// could not get a pipe).
    private(set) var copiedBytes: UInt64 = 0
    private(set) var wantsRead = true
    private(set) var wantsWrite = false
    /// In the pool's list of flows keeping an empty pipe (`PipePool.keep`).
    var kept = false
    /// Moved bytes since the pool's last sweep.
    var usedSinceSweep = false

    /// Bounds the work one readiness event may do, so one busy tunnel cannot starve the
    /// others on its loop; level-triggered epoll brings it back next round.
    private static let roundsPerEvent = 16

    init(source: Transport, destination: Transport, sourceSide: TunnelSide, destinationSide: TunnelSide, mode: TunnelMode) {
        self.source = source
        self.destination = destination
        self.sourceFD = source.fd
        self.destinationFD = destination.fd
        self.sourceSide = sourceSide
        self.destinationSide = destinationSide
        self.mode = mode
        if case .copy(let size) = mode { ring = RingBuffer(capacity: size) } else { ring = nil }
    }

    /// Bytes read from the source and not yet written: lost if the tunnel dies now.
    var inFlight: Int { pipe?.queued ?? ring?.readableCount ?? 0 }

    /// Moves what can move now. Returns the bytes written to the destination. `shutdown`
    /// says whether to pass a FIN on (half-close) once the source ended and all is written.
    func pump(pool: PipePool, passFIN: Bool) throws(TunnelFailure) -> Int {
        if done { return 0 }
        var moved: Int
        if let ring {
            moved = try pumpCopy(ring)
            copiedBytes += UInt64(moved)
            if mode == .splice && ring.isEmpty {
                // The fallback buffer is empty: try for a pipe again next time.
                self.ring = nil
            }
        } else {
            moved = try pumpSplice(pool)
            if let fallback = ring {
                // pumpSplice could not get a pipe and switched this flow to copying.
                let copied = try pumpCopy(fallback)
                copiedBytes += UInt64(copied)
                moved += copied
            }
        }
        if sourceEOF && inFlight == 0 {
            releasePipe(pool)
            if passFIN {
                do { try destination.shutdownWrite() } catch where error.isPeerGone {
                    // The destination is already gone; the FIN has nowhere to go.
                } catch { throw TunnelFailure(side: destinationSide, error: error) }
            }
            end(pool)
        }
        return moved
    }

    func stop(pool: PipePool) {
        releasePipe(pool)
        end(pool)
    }

    private func end(_ pool: PipePool) {
        if done { return }
        done = true
        wantsRead = false
        wantsWrite = false
        if kept { pool.keptFlowEnded(self) }
    }

    private func pumpSplice(_ pool: PipePool) throws(TunnelFailure) -> Int {
        var moved = 0
        wantsWrite = false
        // A read shorter than the pipe means the socket is most likely drained: another
        // splice would only return EAGAIN. Level-triggered epoll reports anything that
        // arrives later, so stopping here loses nothing and saves a syscall per message.
        var drained = false
        for _ in 0..<Self.roundsPerEvent {
            if let pipe, pipe.queued > 0 {
                let result: IOResult<Int>
                do { result = try Sys.splice(from: pipe.readFD, to: destinationFD, count: pipe.queued) }
                catch { throw TunnelFailure(side: destinationSide, error: error) }
                switch result {
                case .value(let n):
                    pipe.queued -= n
                    bytes += UInt64(n)
                    moved += n
                    continue
                case .wouldBlock:
                    // The pipe holds bytes, so this EAGAIN can only mean the socket is full:
                    // stop reading the source (backpressure) until the destination drains.
                    wantsWrite = true
                    wantsRead = false
                    return moved
                }
            }
            if sourceEOF || drained { break }
            if pipe == nil {
                do {
                    pipe = try pool.take()
                } catch where error.isResourceExhaustion {
                    // Out of descriptors (or pipe memory): copy through a small buffer
                    // instead, so an established connection slows down but never stalls
                    // or drops. The pipe is empty here, so no byte is reordered.
                    ring = RingBuffer(capacity: 16384)
                    return moved
                } catch {
                    throw TunnelFailure(side: sourceSide, error: error)
                }
            }
            let target = pipe!
            let result: IOResult<Int>
            do { result = try Sys.splice(from: sourceFD, to: target.writeFD, count: target.capacity) }
            catch { throw TunnelFailure(side: sourceSide, error: error) }
            switch result {
            case .value(0):
                sourceEOF = true
            case .value(let n):
                target.queued = n
                drained = n < target.capacity
            case .wouldBlock:
                // The pipe is empty, so this EAGAIN means the socket is empty. An idle tunnel
                // gives its pipe back: it holds two sockets and no pipe.
                releasePipe(pool)
                wantsRead = true
                return moved
            }
        }
        if pipe?.queued ?? 0 == 0, !(pipe != nil && moved > 0 && !sourceEOF && pool.keep(self)) { releasePipe(pool) }
        wantsRead = !sourceEOF && (pipe?.queued ?? 0) == 0
        wantsWrite = (pipe?.queued ?? 0) > 0
        return moved
    }

    private func pumpCopy(_ ring: RingBuffer) throws(TunnelFailure) -> Int {
        var moved = 0
        var writeBlocked = false
        var drained = false  // as in pumpSplice: a short read ends this event's reading
        for _ in 0..<Self.roundsPerEvent {
            var progressed = false
            if !sourceEOF && !drained && ring.writableCount > 0 {
                let space = ring.writableRegion.count
                let result: IOResult<Int>
                do { result = try source.read(into: ring.writableRegion) }
                catch { throw TunnelFailure(side: sourceSide, error: error) }
                switch result {
                case .value(0): sourceEOF = true
                case .value(let n):
                    drained = n < space
                    ring.didWrite(n)
                    progressed = true
                case .wouldBlock: break
                }
            }
            writeBlocked = false
            while !ring.isEmpty {
                let result: IOResult<Int>
                do { result = try destination.write(ring.readableRegion) }
                catch { throw TunnelFailure(side: destinationSide, error: error) }
                guard case .value(let n) = result else { writeBlocked = true; break }
                ring.didRead(n)
                bytes += UInt64(n)
                moved += n
                progressed = true
            }
            if !progressed || writeBlocked || (drained && ring.isEmpty) { break }
        }
        wantsRead = !sourceEOF && ring.writableCount > 0
        wantsWrite = !ring.isEmpty
        return moved
    }

    /// The pool's sweep found the flow idle: an empty pipe goes back (one still holding bytes
    /// stays, and the flow asks to keep it again once it has drained).
    func giveBackIdlePipe(_ pool: PipePool) {
        if pipe?.queued ?? 0 == 0 { releasePipe(pool) }
    }

    private func releasePipe(_ pool: PipePool) {
        if let pipe {
            pool.give(pipe)
            self.pipe = nil
        }
    }
}

@available(*, unavailable)
extension TunnelFlow: Sendable {}
