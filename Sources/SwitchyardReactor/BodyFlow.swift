/// Where a message body ends, decided as its bytes stream past. The flow never buffers a
/// whole body: it shows the framer each new run of bytes, and the framer says how many of
/// them still belong to the body and whether the body just ended.
public protocol BodyFramer {
    /// `bytes` follow everything shown before. Returns how many belong to the body (the
    /// rest belongs to the next message) and whether the body is complete.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(BodyFramingError) -> (count: Int, complete: Bool)
    /// Whether the sender closing the connection is a proper end of this body.
    var endsAtClose: Bool { get }
}

public struct BodyFramingError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A body of known length (Content-Length).
public struct LengthFramer: BodyFramer {
    public private(set) var remaining: UInt64

    public init(length: UInt64) { remaining = length }

    public mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(BodyFramingError) -> (count: Int, complete: Bool) {
        let take = Int(min(UInt64(bytes.count), remaining))
        remaining -= UInt64(take)
        return (take, remaining == 0)
    }

    public var endsAtClose: Bool { false }
}

/// A response delimited by the connection closing (HTTP/1.0 style, RFC 9112 §6.3 rule 8).
public struct UntilCloseFramer: BodyFramer {
    public init() {}

    public mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(BodyFramingError) -> (count: Int, complete: Bool) {
        (bytes.count, false)
    }

    public var endsAtClose: Bool { true }
}

/// Rewrites a body on its way (de-chunking for an HTTP/1.0 client). The flow hands it each
/// run of body bytes once, in order; whatever it appends to `out` is written instead.
public protocol BodyTransform {
    mutating func transform(_ input: UnsafeRawBufferPointer, into out: inout [UInt8])
}

/// Why a body flow stopped.
public enum BodyFlowEnd: Sendable, Equatable {
    /// The framer saw the end; bytes after it stay in the ring for the next message.
    case complete
    /// The source closed where that is the body's proper end.
    case closed
}

/// Moves one message body from a connection's input ring (and then its socket) to a
/// destination, writing straight out of the ring: bytes the head parser already read are
/// sent first, no byte after the body's end is consumed, and when the destination is slow
/// the flow stops reading (backpressure), so memory stays at one ring per connection.
public final class BodyFlow {
    public private(set) var source: Transport
    public private(set) var destination: Transport
    public private(set) var ring: RingBuffer
    private var framer: any BodyFramer
    private var transform: (any BodyTransform)?
    /// Transformed bytes not written yet.
    private var transformed: [UInt8] = []
    private var transformedOffset = 0
    /// Bytes at the ring's head that the framer classified as body and are not written yet.
    private var classified = 0
    private var framed = false
    private var sourceEOF = false
    public private(set) var bytes: UInt64 = 0
    /// Bytes to write before the body (a response head), so a small response leaves in one
    /// write with its body; `leadWritten` counts how many went. Not counted in `bytes`.
    private var lead: [UInt8] = []
    public private(set) var leadWritten = 0
    public private(set) var wantsRead = false
    public private(set) var wantsWrite = false
    public private(set) var end: BodyFlowEnd?

    private static let roundsPerEvent = 16

    public init(source: Transport, ring: RingBuffer, destination: Transport, framer: any BodyFramer,
                transform: (any BodyTransform)? = nil) {
        self.source = source
        self.ring = ring
        self.destination = destination
        self.framer = framer
        self.transform = transform
    }

    /// Starts the flow over for another body, keeping its buffers' capacity: a keep-alive
    /// connection reuses one flow per direction instead of allocating one per request.
    public func restart(source: Transport, ring: RingBuffer, destination: Transport, framer: any BodyFramer,
                        transform: (any BodyTransform)? = nil) {
        self.source = source
        self.ring = ring
        self.destination = destination
        self.framer = framer
        self.transform = transform
        // Emptied only when not empty already: clearing an array costs ~80 instructions.
        if !transformed.isEmpty { transformed.removeAll(keepingCapacity: true) }
        transformedOffset = 0
        classified = 0
        framed = false
        sourceEOF = false
        bytes = 0
        if !lead.isEmpty { lead.removeAll(keepingCapacity: true) }
        leadWritten = 0
        wantsRead = false
        wantsWrite = false
        end = nil
    }

    /// Bytes of body read but not yet written.
    public var inFlight: Int { classified }

    /// Makes `bytes` go out ahead of the body, joined with its first bytes when they are
    /// there. Call before the first `pump`.
    public func lead(with bytes: [UInt8]) {
        lead = bytes
        leadWritten = 0
    }

    /// `lead(with:)` for bytes built in place, into the flow's own reused buffer.
    public func lead(building build: (inout [UInt8]) -> Void) {
        if !lead.isEmpty { lead.removeAll(keepingCapacity: true) }
        if lead.capacity < 1024 { lead.reserveCapacity(1024) }  // one allocation, not one per doubling
        build(&lead)
        leadWritten = 0
    }

    /// Whether lead bytes are still to be written.
    public var hasLead: Bool { leadWritten < lead.count }

    /// Writes what is left of the lead, together with up to `body` body bytes. Returns the
    /// body bytes written, or nil when the destination is full.
    private func writeLead(body: UnsafeRawBufferPointer, _ side: TunnelSide) throws(BodyFlowFailure) -> Int? {
        let result: IOResult<Int>
        do {
            result = try lead.withUnsafeBytes { raw throws(SysError) in
                let rest = UnsafeRawBufferPointer(rebasing: raw[leadWritten...])
                return body.isEmpty ? try destination.write(rest) : try destination.write(rest, body)
            }
        } catch let error as SysError {
            throw .socket(side, error)
        } catch {
            preconditionFailure("Transport.write throws only SysError")
        }
        guard case .value(let n) = result else { return nil }
        let fromLead = min(n, lead.count - leadWritten)
        leadWritten += fromLead
        return n - fromLead
    }

    /// Moves what can move now; returns the bytes written. Throws a failure naming the side:
    /// a socket error, a framing error (`.client`/`.upstream` as the source), or the source
    /// closing before the body ended.
    public func pump(sourceSide: TunnelSide, destinationSide: TunnelSide) throws(BodyFlowFailure) -> Int {
        if end != nil { return 0 }
        var moved = 0
        wantsRead = false
        wantsWrite = false
        for _ in 0..<Self.roundsPerEvent {
            try classify(sourceSide)
            if transform != nil {
                guard try writeTransformed(destinationSide, moved: &moved) else {
                    wantsWrite = true
                    return moved
                }
            }
            // The lead goes with the body bytes behind it, or alone when none will come now.
            while (hasLead && transform == nil) || (classified > 0 && !hasLead) {
                let run = ring.readableRegion
                let body = UnsafeRawBufferPointer(rebasing: run[0..<min(run.count, classified)])
                let written: Int?
                if hasLead {
                    guard !body.isEmpty || framed || sourceEOF || ring.writableCount == 0 else { break }
                    written = try writeLead(body: body, destinationSide)
                } else {
                    do { written = try destination.write(body).done }
                    catch { throw .socket(destinationSide, error) }
                }
                guard let n = written else {
                    wantsWrite = true
                    return moved
                }
                ring.didRead(n)
                classified -= n
                bytes += UInt64(n)
                moved += n
            }
            if framed && !hasLead {
                end = .complete
                return moved
            }
            if sourceEOF {
                if framer.endsAtClose {
                    end = .closed
                    return moved
                }
                throw .truncated(sourceSide)
            }
            guard ring.writableCount > 0 else { return moved }
            let result: IOResult<Int>
            do { result = try source.read(into: ring.writableRegion) }
            catch { throw .socket(sourceSide, error) }
            switch result {
            case .value(0): sourceEOF = true
            case .value(let n): ring.didWrite(n)
            case .wouldBlock:
                // No body yet: the lead goes alone, so the head is not held back.
                if hasLead && transform == nil {
                    guard try writeLead(body: UnsafeRawBufferPointer(start: nil, count: 0), destinationSide) != nil, !hasLead else {
                        wantsWrite = true
                        return moved
                    }
                }
                wantsRead = true
                return moved
            }
        }
        // Out of rounds: bytes already read sit in the ring with no socket readiness left to
        // announce them, so ask for the destination's (writable at once, as a rule) to come
        // back for them; otherwise for more input.
        if ring.readableCount > 0 || hasLead {
            wantsWrite = true
        } else {
            wantsRead = true
        }
        return moved
    }

    /// Runs classified bytes through the transform and writes its output. False when the
    /// destination is full.
    private func writeTransformed(_ side: TunnelSide, moved: inout Int) throws(BodyFlowFailure) -> Bool {
        while true {
            if transformedOffset < transformed.count {
                let result: IOResult<Int>
                do {
                    result = try transformed.withUnsafeBytes { raw in
                        try destination.write(UnsafeRawBufferPointer(rebasing: raw[transformedOffset...]))
                    }
                } catch let error as SysError {
                    throw .socket(side, error)
                } catch {
                    preconditionFailure("Transport.write throws only SysError")
                }
                guard case .value(let n) = result else { return false }
                transformedOffset += n
                moved += n
                continue
            }
            guard classified > 0 else { return true }
            transformed.removeAll(keepingCapacity: true)
            transformedOffset = 0
            let run = ring.readableRegion
            let count = min(run.count, classified)
            transform!.transform(UnsafeRawBufferPointer(rebasing: run[0..<count]), into: &transformed)
            ring.didRead(count)
            classified -= count
            bytes += UInt64(count)
        }
    }

    /// Shows the framer the ring's bytes it has not seen yet.
    private func classify(_ side: TunnelSide) throws(BodyFlowFailure) {
        guard !framed, ring.readableCount > classified else { return }
        let (first, second) = ring.readableRuns(from: classified)
        for run in [first, second] where run.count > 0 && !framed {
            let verdict: (count: Int, complete: Bool)
            do { verdict = try framer.scan(run) } catch { throw .framing(side, error) }
            classified += verdict.count
            framed = verdict.complete
        }
    }
}

/// A body flow that could not finish, and which side's fault it was.
public enum BodyFlowFailure: Error, CustomStringConvertible {
    case socket(TunnelSide, SysError)
    case framing(TunnelSide, BodyFramingError)
    case truncated(TunnelSide)

    public var side: TunnelSide {
        switch self {
        case .socket(let side, _), .framing(let side, _), .truncated(let side): side
        }
    }

    public var description: String {
        switch self {
        case .socket(_, let error): error.description
        case .framing(_, let error): "invalid body: \(error)"
        case .truncated(let side): "\(side) prematurely closed connection"
        }
    }
}

@available(*, unavailable)
extension BodyFlow: Sendable {}
