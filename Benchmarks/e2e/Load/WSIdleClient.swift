import Glibc
import SwitchyardReactor

/// `ws-idle`: N WebSocket connections opened (at most `batch` handshakes in flight) and held
/// idle, for the memory a proxy spends per idle connection. Prints `{"opened":n,"errors":e}`
/// once all are settled, holds them until stdin reaches EOF (the runner closes it after
/// measuring) or SIGTERM, then sends each a close frame.
final class WSIdleClient {
    let target: SocketAddress
    let upgrades: UpgradeRequests
    let scratch = ClientScratch(size: 64 << 10)
    var random = FastRandom()
    var opened = 0
    var errors = 0
    var inFlight = 0
    var closing = 0
    var stdinClosed = false

    init(target: SocketAddress, upgrades: UpgradeRequests) {
        self.target = target
        self.upgrades = upgrades
    }

    var settled: Int { opened + errors }

    static func run(_ options: Options) throws(UsageError) -> Int32 {
        let client = WSIdleClient(
            target: try options.target(),
            upgrades: UpgradeRequests(path: try options.string("path", default: "/ws"), host: try options.host()))
        let count = try options.int("count")
        let batch = max(1, try options.int("batch", default: 200))
        let deadline = try options.deadline()
        ProcessSetup.catchStopSignals()
        guard let loop = ClientLoop.make() else { return 1 }

        let connections = (0..<count).map { _ in WSIdleConnection(client: client) }
        var next = 0
        let opening = ClientLoop.run(loop, until: deadline) {
            while client.inFlight < batch && next < count {
                connections[next].connect(loop: loop)
                next += 1
            }
            return client.settled < count && !stopRequested.load(ordering: .relaxed)
        }
        var json = JSONLine()
        json.add("opened", client.opened)
        json.add("errors", client.errors)
        if !opening { json.add("timedOut", true) }
        Output.line(json.rendered)

        var held = opening
        if opening {
            let stdin = StdinWatcher(client: client)
            if !stdin.watch(loop: loop) { client.stdinClosed = true }
            held = ClientLoop.run(loop, until: deadline) { !client.stdinClosed && !stopRequested.load(ordering: .relaxed) }
            if !held { Output.error("sy-load ws-idle: --timeout reached while holding the connections") }
        }

        for connection in connections { connection.beginClose(loop: loop) }
        ClientLoop.run(loop, until: Deadline(afterSeconds: 2)) { client.closing > 0 }
        for connection in connections { connection.release(loop: loop) }
        if client.opened == 0 && count > 0 {
            Output.error("sy-load ws-idle: no WebSocket connection could be opened")
            return 1
        }
        return held ? 0 : 1
    }
}

/// Notices stdin's EOF. A stdin epoll cannot watch (a regular file, /dev/null) counts as
/// already at EOF.
final class StdinWatcher: EventHandler {
    private unowned let client: WSIdleClient

    init(client: WSIdleClient) {
        self.client = client
    }

    func watch(loop: EventLoop) -> Bool {
        (try? loop.register(fd: 0, interest: .readable, handler: self)) != nil
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        let n = Glibc.read(0, client.scratch.buffer.baseAddress, client.scratch.buffer.count)
        if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
            client.stdinClosed = true
            loop.deregisterKeepingOpen(fd: 0)
        }
    }
}

@available(*, unavailable)
extension WSIdleClient: Sendable {}
@available(*, unavailable)
extension StdinWatcher: Sendable {}
