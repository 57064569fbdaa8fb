import Glibc
import SwitchyardConfig
import SwitchyardReactor

/// The probes of one peer, on the prober's loop: every `interval` a non-blocking connect (and
/// for type=http a request and its answer's head) bounded by `timeout`; the verdicts move the
/// shared health flag, and each change is logged once.
final class HealthProbe: EventHandler, TimerHandler {
    let target: HealthTarget
    private unowned let loop: EventLoop
    private var counter: HealthCounter
    private let request: [UInt8]
    private let intervalMs: Int64
    private let timeoutMs: Int64
    private let every = LoopTimer()
    private let deadline = LoopTimer()

    /// The probe in flight, or -1 between probes.
    private var socket: Int32 = -1
    private var connected = false
    private var sent = 0
    private var response: [UInt8] = []

    init(target: HealthTarget, loop: EventLoop) {
        self.target = target
        self.loop = loop
        let check = target.check
        counter = HealthCounter(fails: check.fails, passes: check.passes, healthy: target.health.isHealthy(target.peer))
        request = check.kind == .http ? HealthResponseCheck.request(uri: check.uri, host: target.host) : []
        intervalMs = max(1, check.interval.milliseconds)
        timeoutMs = max(1, check.timeout.milliseconds)
        every.handler = self
        deadline.handler = self
    }

    /// The first probe goes out at once, so a server that is down at start is found within
    /// `fails` intervals.
    func start() {
        loop.arm(every, afterMs: 0)
    }

    /// Ends the probe in flight without a verdict and stops probing.
    func stop() {
        loop.disarm(every)
        loop.disarm(deadline)
        closeSocket()
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        if timer === deadline {
            finish(.failed("timed out"))
            return
        }
        loop.arm(every, afterMs: intervalMs)
        // A timeout longer than the interval leaves the previous probe running: wait for it
        // rather than stack a second connection on a slow server.
        if socket < 0 { begin() }
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        guard fd == socket else { return }
        if !connected {
            let code = Sys.pendingError(fd)
            guard code == 0 else {
                finish(.failed(SysError("connect", errno: code).description))
                return
            }
            didConnect()
        } else if sent < request.count {
            send()
        } else {
            receive()
        }
    }

    // MARK: one probe

    private func begin() {
        connected = false
        sent = 0
        response.removeAll(keepingCapacity: true)
        let fd: Int32
        do {
            fd = try Sys.socket(family: target.address.family, type: Int32(SOCK_STREAM.rawValue))
        } catch {
            // Out of descriptors says nothing about the server: no verdict.
            loop.log.alert("\(error) while checking upstream server \(target.server) of upstream \"\(target.group)\"")
            return
        }
        socket = fd
        loop.arm(deadline, afterMs: timeoutMs)
        do {
            let result = try Sys.connect(fd, to: target.address)
            try loop.register(fd: fd, interest: .writable, handler: self)
            if case .value = result { didConnect() }
        } catch {
            finish(.failed("\(error)"))
        }
    }

    private func didConnect() {
        connected = true
        if target.check.kind == .tcp {
            finish(.passed)
        } else {
            send()
        }
    }

    private func send() {
        do {
            while sent < request.count {
                let result = try request.withUnsafeBytes { bytes in
                    try Sys.write(socket, UnsafeRawBufferPointer(rebasing: bytes[sent...]))
                }
                guard case .value(let count) = result, count > 0 else {
                    try loop.setInterest(fd: socket, .writable)
                    return
                }
                sent += count
            }
            try loop.setInterest(fd: socket, .readable)
        } catch {
            finish(.failed("\(error)"))
        }
    }

    private func receive() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        var closed = false
        do {
            // Bounded: the verdict is checked after each read, and a verdict ends the probe.
            while response.count <= HealthResponseCheck.maxResponseBytes {
                let result = try chunk.withUnsafeMutableBytes { try Sys.read(socket, $0) }
                guard case .value(let count) = result, count > 0 else { break }
                if count == 0 {
                    closed = true
                    break
                }
                response += chunk[0..<count]
            }
        } catch {
            finish(.failed("\(error)"))
            return
        }
        let verdict = HealthResponseCheck.evaluate(response, closed: closed, match: target.check.match)
        if verdict != .pending { finish(verdict) }
    }

    private func finish(_ verdict: ProbeVerdict) {
        loop.disarm(deadline)
        closeSocket()
        let passed = verdict == .passed
        let subject = "upstream server \(target.server) of upstream \"\(target.group)\""
        if case .failed(let reason) = verdict {
            loop.log.debug("health check of \(subject) failed: \(reason)")
        }
        guard counter.record(passed: passed) else { return }
        target.health.setHealthy(target.peer, passed)
        if case .failed(let reason) = verdict {
            loop.log.warn("\(subject) is unhealthy: \(reason) (health_check)")
        } else {
            loop.log.warn("\(subject) is healthy again (health_check)")
        }
    }

    private func closeSocket() {
        guard socket >= 0 else { return }
        loop.deregister(fd: socket)
        Sys.close(socket)
        socket = -1
    }
}

@available(*, unavailable)
extension HealthProbe: Sendable {}
