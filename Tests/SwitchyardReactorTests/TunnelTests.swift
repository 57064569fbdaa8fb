import Glibc
import Testing
@testable import SwitchyardReactor

private final class EndRecorder: TunnelDelegate {
    var end: TunnelEnd?
    func tunnelDidEnd(_ tunnel: Tunnel, _ end: TunnelEnd) { self.end = end }
}

private func makeLoop() throws -> EventLoop {
    try EventLoop(handle: LoopHandle(id: 0), log: ErrorLog(fd: 2, level: .emerg))
}

private func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
    var x = UInt32(seed) | 1
    return (0..<count).map { _ in
        x ^= x << 13; x ^= x >> 17; x ^= x << 5
        return UInt8(truncatingIfNeeded: x)
    }
}

/// Runs the loop while pushing `toUpstream` from the client's end and `toClient` from the
/// upstream's end, until both arrived or ~5 s passed.
private func exchange(loop: EventLoop, client: Int32, upstream: Int32, toUpstream: [UInt8], toClient: [UInt8]) -> ([UInt8], [UInt8]) {
    var sentUp = 0, sentDown = 0
    var gotUp: [UInt8] = [], gotDown: [UInt8] = []
    for _ in 0..<20_000 {
        sentUp += Peer.send(client, toUpstream, from: sentUp)
        sentDown += Peer.send(upstream, toClient, from: sentDown)
        loop.runOnce(maxWaitMs: 1)
        _ = Peer.receive(upstream, into: &gotUp)
        _ = Peer.receive(client, into: &gotDown)
        if gotUp.count >= toUpstream.count && gotDown.count >= toClient.count { break }
    }
    return (gotUp, gotDown)
}

struct TunnelTests {
    /// Megabytes cross a tunnel both ways intact, by splice and by copying alike.
    @Test(arguments: [TunnelMode.splice, TunnelMode.copy(bufferSize: 16384)])
    func movesBytesBothWaysIntact(mode: TunnelMode) throws {
        let loop = try makeLoop()
        let pool = PipePool()
        let c = try LoopbackPair.make(), u = try LoopbackPair.make()
        defer { Sys.close(c.outer); Sys.close(u.outer) }
        let tunnel = Tunnel(client: OwnedFD(c.inner), upstream: OwnedFD(u.inner), mode: mode, halfClose: true, pool: pool)
        let recorder = EndRecorder()
        tunnel.delegate = recorder
        try tunnel.start(on: loop)
        let started = loop.now
        // The loop's clock moves on at its next round: the times of the moves must be later
        // than the start, or they were never taken.
        usleep(20_000)
        let up = pattern(3 << 20, seed: 1), down = pattern(2 << 20, seed: 2)
        let (gotUp, gotDown) = exchange(loop: loop, client: c.outer, upstream: u.outer, toUpstream: up, toClient: down)
        #expect(gotUp == up)
        #expect(gotDown == down)
        #expect(tunnel.bytesToUpstream == UInt64(up.count))
        #expect(tunnel.bytesToClient == UInt64(down.count))
        #expect(tunnel.lastToUpstreamMs >= started + 20)
        #expect(tunnel.lastToClientMs >= started + 20)
        #expect(recorder.end == nil)
        // Idle now: the tunnel holds no pipe.
        #expect(pool.lent == 0)
        tunnel.abort("test over", loop: loop)
    }

    /// A pool on a loop lets a flow keep its emptied pipe for the next message, and takes it
    /// back once a sweep finds the flow idle.
    @Test func keptPipeGoesBackWhenIdle() throws {
        let loop = try makeLoop()
        let pool = PipePool(loop: loop, sweepMs: 50)
        let c = try LoopbackPair.make(), u = try LoopbackPair.make()
        defer { Sys.close(c.outer); Sys.close(u.outer) }
        let tunnel = Tunnel(client: OwnedFD(c.inner), upstream: OwnedFD(u.inner), mode: .splice, halfClose: true, pool: pool)
        try tunnel.start(on: loop)
        let message = pattern(128, seed: 3)
        for _ in 0..<3 {
            let (gotUp, gotDown) = exchange(loop: loop, client: c.outer, upstream: u.outer, toUpstream: message, toClient: message)
            #expect(gotUp == message)
            #expect(gotDown == message)
        }
        // Both directions moved bytes: each kept one pipe, taken once for all three messages.
        #expect(pool.keptCount == 2)
        #expect(pool.lent == 2)
        #expect(pool.created == 2)
        for _ in 0..<100 where pool.lent > 0 {
            loop.runOnce(maxWaitMs: 10)
        }
        #expect(pool.lent == 0)
        #expect(pool.keptCount == 0)
        #expect(pool.idleCount == 2)
        tunnel.abort("test over", loop: loop)
    }

    /// With half-close on, the client's FIN reaches the upstream, whose reply still reaches
    /// the client; the tunnel completes once both directions ended.
    @Test func halfCloseKeepsTheOtherDirection() throws {
        let loop = try makeLoop()
        let c = try LoopbackPair.make(), u = try LoopbackPair.make()
        defer { Sys.close(c.outer); Sys.close(u.outer) }
        let tunnel = Tunnel(client: OwnedFD(c.inner), upstream: OwnedFD(u.inner), mode: .splice, halfClose: true, pool: PipePool())
        let recorder = EndRecorder()
        tunnel.delegate = recorder
        try tunnel.start(on: loop)
        _ = Peer.send(c.outer, Array("request".utf8), from: 0)
        shutdown(c.outer, Int32(SHUT_WR))
        var atUpstream: [UInt8] = []
        var upstreamOpen = true
        for _ in 0..<2000 where upstreamOpen {
            loop.runOnce(maxWaitMs: 1)
            upstreamOpen = Peer.receive(u.outer, into: &atUpstream)
        }
        #expect(String(decoding: atUpstream, as: UTF8.self) == "request")
        #expect(!upstreamOpen, "the client's FIN reached the upstream")
        _ = Peer.send(u.outer, Array("reply".utf8), from: 0)
        shutdown(u.outer, Int32(SHUT_WR))
        var atClient: [UInt8] = []
        var clientOpen = true
        for _ in 0..<2000 where clientOpen || recorder.end == nil {
            loop.runOnce(maxWaitMs: 1)
            clientOpen = Peer.receive(c.outer, into: &atClient)
        }
        #expect(String(decoding: atClient, as: UTF8.self) == "reply")
        guard case .completed = recorder.end else {
            Issue.record("expected completed, got \(String(describing: recorder.end))")
            return
        }
    }

    /// With half-close off (nginx's default), the first FIN ends the session for both sides.
    @Test func firstFinEndsSessionWithoutHalfClose() throws {
        let loop = try makeLoop()
        let c = try LoopbackPair.make(), u = try LoopbackPair.make()
        defer { Sys.close(c.outer); Sys.close(u.outer) }
        let tunnel = Tunnel(client: OwnedFD(c.inner), upstream: OwnedFD(u.inner), mode: .splice, halfClose: false, pool: PipePool())
        let recorder = EndRecorder()
        tunnel.delegate = recorder
        try tunnel.start(on: loop)
        _ = Peer.send(c.outer, Array("bye".utf8), from: 0)
        shutdown(c.outer, Int32(SHUT_WR))
        var atUpstream: [UInt8] = []
        var upstreamOpen = true, clientOpen = true
        var atClient: [UInt8] = []
        for _ in 0..<2000 where upstreamOpen || clientOpen {
            loop.runOnce(maxWaitMs: 1)
            upstreamOpen = Peer.receive(u.outer, into: &atUpstream)
            clientOpen = Peer.receive(c.outer, into: &atClient)
        }
        #expect(String(decoding: atUpstream, as: UTF8.self) == "bye", "bytes before the FIN are delivered")
        #expect(!upstreamOpen && !clientOpen)
        guard case .closedBy(.client) = recorder.end else {
            Issue.record("expected closedBy(client), got \(String(describing: recorder.end))")
            return
        }
    }

    /// A reset on one side ends the tunnel with a failure naming that side.
    @Test func resetIsReportedWithItsSide() throws {
        let loop = try makeLoop()
        let c = try LoopbackPair.make(), u = try LoopbackPair.make()
        defer { Sys.close(c.outer) }
        let tunnel = Tunnel(client: OwnedFD(c.inner), upstream: OwnedFD(u.inner), mode: .splice, halfClose: true, pool: PipePool())
        let recorder = EndRecorder()
        tunnel.delegate = recorder
        try tunnel.start(on: loop)
        // SO_LINGER with a zero timeout turns close() into a RST.
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(u.outer, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Sys.close(u.outer)
        for _ in 0..<2000 where recorder.end == nil { loop.runOnce(maxWaitMs: 1) }
        guard case .failed(.upstream, let error) = recorder.end else {
            Issue.record("expected an upstream failure, got \(String(describing: recorder.end))")
            return
        }
        #expect(error.errno == ECONNRESET)
    }

    /// The echo tunnel sends every byte back and closes after the client's FIN.
    @Test func echoReturnsEveryByte() throws {
        let loop = try makeLoop()
        let c = try LoopbackPair.make()
        defer { Sys.close(c.outer) }
        let tunnel = Tunnel(echo: OwnedFD(c.inner), mode: .splice, pool: PipePool())
        let recorder = EndRecorder()
        tunnel.delegate = recorder
        try tunnel.start(on: loop)
        let payload = pattern(1 << 20, seed: 9)
        var sent = 0
        var back: [UInt8] = []
        var open = true
        for _ in 0..<20_000 where open {
            if sent < payload.count {
                sent += Peer.send(c.outer, payload, from: sent)
                if sent == payload.count { shutdown(c.outer, Int32(SHUT_WR)) }
            }
            loop.runOnce(maxWaitMs: 1)
            open = Peer.receive(c.outer, into: &back)
        }
        #expect(back == payload)
        guard case .completed = recorder.end else {
            Issue.record("expected completed, got \(String(describing: recorder.end))")
            return
        }
    }
}
