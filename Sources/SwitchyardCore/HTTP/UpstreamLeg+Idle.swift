import SwitchyardReactor

/// A leg between two requests watches its own socket: any readiness while idle is the peer
/// closing (or sending what nobody asked for), and either way the connection goes.
extension UpstreamLeg: EventHandler, TimerHandler {
    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        var probe: UInt8 = 0
        let peeked = withUnsafeMutableBytes(of: &probe) { try? Sys.peek(fd, $0) }
        if case .wouldBlock = peeked { return }  // a spurious wakeup: still idle
        idlePool?.drop(self)
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        idlePool?.drop(self)
    }
}
