import Glibc
import Testing
@testable import SwitchyardReactor

/// A framer whose body ends at the first `#` (inclusive): it must see every byte in order,
/// across ring wrap-around, to get the end right.
private struct HashFramer: BodyFramer {
    var seen: [UInt8] = []
    mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(BodyFramingError) -> (count: Int, complete: Bool) {
        for (i, byte) in bytes.enumerated() {
            seen.append(byte)
            if byte == UInt8(ascii: "#") { return (i + 1, true) }
        }
        return (bytes.count, false)
    }
    var endsAtClose: Bool { false }
}

private func drain(_ fd: Int32, rounds: Int = 200) -> [UInt8] {
    var got: [UInt8] = []
    for _ in 0..<rounds {
        _ = Peer.receive(fd, into: &got)
        usleep(500)
    }
    return got
}

struct BodyFlowTests {
    /// A Content-Length body partly read with the head is sent from the ring first, the rest
    /// from the socket, and the next message's bytes stay in the ring untouched.
    @Test func lengthBodyStopsAtItsEnd() throws {
        let src = try LoopbackPair.make(), dst = try LoopbackPair.make()
        defer { [src.outer, src.inner, dst.outer, dst.inner].forEach(Sys.close) }
        let ring = RingBuffer(capacity: 64)
        Array("hello ".utf8).withUnsafeBytes { _ = ring.append($0) }  // read with the head
        let flow = BodyFlow(source: SocketTransport(fd: src.inner), ring: ring,
                            destination: SocketTransport(fd: dst.inner), framer: LengthFramer(length: 11))
        _ = Peer.send(src.outer, Array("worldNEXT".utf8), from: 0)
        for _ in 0..<200 where flow.end == nil {
            _ = try flow.pump(sourceSide: .client, destinationSide: .upstream)
            usleep(500)
        }
        #expect(flow.end == .complete)
        #expect(String(decoding: drain(dst.outer), as: UTF8.self) == "hello world")
        var rest = [UInt8](repeating: 0, count: ring.readableCount)
        rest.withUnsafeMutableBytes { _ = ring.peek(into: $0) }
        #expect(String(decoding: rest, as: UTF8.self) == "NEXT")
    }

    /// The framer sees every byte exactly once and in order, even when the ring wraps.
    @Test func framerSeesBytesInOrderAcrossWrap() throws {
        let src = try LoopbackPair.make(), dst = try LoopbackPair.make()
        defer { [src.outer, src.inner, dst.outer, dst.inner].forEach(Sys.close) }
        let ring = RingBuffer(capacity: 16)
        let flow = BodyFlow(source: SocketTransport(fd: src.inner), ring: ring,
                            destination: SocketTransport(fd: dst.inner), framer: HashFramer())
        let body = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ#tail".utf8)
        var sent = 0
        var received: [UInt8] = []
        for _ in 0..<2000 where flow.end == nil {
            sent += Peer.send(src.outer, body, from: sent)
            _ = try flow.pump(sourceSide: .client, destinationSide: .upstream)
            _ = Peer.receive(dst.outer, into: &received)
            usleep(200)
        }
        received += drain(dst.outer, rounds: 20)
        #expect(flow.end == .complete)
        #expect(String(decoding: received, as: UTF8.self) == "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ#")
    }

    /// A source that closes before its Content-Length is reached is a truncation, blamed on
    /// the source's side.
    @Test func earlyCloseIsTruncation() throws {
        let src = try LoopbackPair.make(), dst = try LoopbackPair.make()
        defer { [src.inner, dst.outer, dst.inner].forEach(Sys.close) }
        let flow = BodyFlow(source: SocketTransport(fd: src.inner), ring: RingBuffer(capacity: 64),
                            destination: SocketTransport(fd: dst.inner), framer: LengthFramer(length: 100))
        _ = Peer.send(src.outer, Array("short".utf8), from: 0)
        Sys.close(src.outer)
        var failure: BodyFlowFailure?
        for _ in 0..<200 where failure == nil {
            do { _ = try flow.pump(sourceSide: .upstream, destinationSide: .client) } catch { failure = error }
            usleep(500)
        }
        guard case .truncated(.upstream) = failure else {
            Issue.record("expected truncation by the upstream, got \(String(describing: failure))")
            return
        }
    }

    /// A close-delimited body ends properly when the source closes.
    @Test func untilCloseEndsAtClose() throws {
        let src = try LoopbackPair.make(), dst = try LoopbackPair.make()
        defer { [src.inner, dst.outer, dst.inner].forEach(Sys.close) }
        let flow = BodyFlow(source: SocketTransport(fd: src.inner), ring: RingBuffer(capacity: 64),
                            destination: SocketTransport(fd: dst.inner), framer: UntilCloseFramer())
        _ = Peer.send(src.outer, Array("all of it".utf8), from: 0)
        Sys.close(src.outer)
        for _ in 0..<200 where flow.end == nil {
            _ = try flow.pump(sourceSide: .upstream, destinationSide: .client)
            usleep(500)
        }
        #expect(flow.end == .closed)
        #expect(String(decoding: drain(dst.outer), as: UTF8.self) == "all of it")
    }

    /// A destination that does not read stops the flow from reading: memory stays at one ring.
    @Test func slowDestinationStopsReading() throws {
        let src = try LoopbackPair.make(), dst = try LoopbackPair.make()
        defer { [src.outer, src.inner, dst.outer, dst.inner].forEach(Sys.close) }
        let ring = RingBuffer(capacity: 4096)
        let flow = BodyFlow(source: SocketTransport(fd: src.inner), ring: ring,
                            destination: SocketTransport(fd: dst.inner), framer: LengthFramer(length: 64 << 20))
        let chunk = [UInt8](repeating: 7, count: 1 << 20)
        for _ in 0..<300 {
            _ = Peer.send(src.outer, chunk, from: 0)
            _ = try flow.pump(sourceSide: .client, destinationSide: .upstream)
            if flow.wantsWrite { break }
        }
        #expect(flow.wantsWrite, "the destination's buffers filled up")
        #expect(!flow.wantsRead)
        #expect(ring.readableCount <= ring.capacity)
        #expect(flow.end == nil)
    }
}

struct RingBufferRunsTests {
    /// Readable runs from an offset cover exactly the bytes after it, wrapped or not, and
    /// linearize makes them one run without changing them.
    @Test func runsAndLinearize() {
        let ring = RingBuffer(capacity: 16)
        Array(0..<12).map(UInt8.init).withUnsafeBytes { _ = ring.append($0) }
        ring.didRead(10)
        Array(12..<24).map(UInt8.init).withUnsafeBytes { _ = ring.append($0) }
        let (a, b) = ring.readableRuns(from: 3)
        #expect(Array(a) + Array(b) == Array(13..<24).map(UInt8.init))
        ring.linearize()
        #expect(Array(ring.readableRegion) == Array(10..<24).map(UInt8.init))
    }
}
