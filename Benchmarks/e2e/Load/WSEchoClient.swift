import Glibc
import SwitchyardReactor

/// `ws-echo`: K WebSocket connections, each a closed loop of one B-byte binary message out,
/// its echo back and checked, the round trip recorded. Connections start their loops
/// together once all handshakes are done; W seconds of warmup, then S counted.
final class WSEchoClient {
    let target: SocketAddress
    let size: Int
    let upgrades: UpgradeRequests
    let scratch = ClientScratch()
    let histogram = LatencyHistogram()
    var random = FastRandom()

    enum Phase {
        case handshaking, warmup, measuring, closing
    }

    var phase = Phase.handshaking
    var measureStart: UInt64 = 0
    var measureEnd: UInt64 = .max
    var opened = 0
    var handshakeFailures = 0
    var messages = 0
    var errors = 0
    var mismatches = 0
    var settled = 0
    var closed = 0

    init(target: SocketAddress, size: Int, upgrades: UpgradeRequests) {
        self.target = target
        self.size = size
        self.upgrades = upgrades
    }

    static func run(_ options: Options) throws(UsageError) -> Int32 {
        let count = try options.int("connections")
        let seconds = try options.seconds("seconds")
        let warmup = try options.seconds("warmup", default: 1)
        let client = WSEchoClient(
            target: try options.target(), size: try options.int("size"),
            upgrades: UpgradeRequests(path: try options.string("path", default: "/ws"), host: try options.host()))
        let deadline = try options.deadline()
        guard count > 0 else { throw UsageError("--connections wants at least 1") }
        guard let loop = ClientLoop.make() else { return 1 }

        let connections = (0..<count).map { WSEchoConnection(client: client, id: UInt64($0)) }
        for connection in connections { connection.connect(loop: loop) }
        var finished = ClientLoop.run(loop, until: deadline) { client.settled < count }

        if finished && client.opened > 0 {
            let now = Nanos.now()
            client.phase = .warmup
            client.measureStart = now + Nanos.from(seconds: warmup)
            client.measureEnd = client.measureStart + Nanos.from(seconds: seconds)
            for connection in connections { connection.startLoop(loop: loop) }
            finished = ClientLoop.run(loop, until: deadline) {
                let now = Nanos.now()
                if client.phase == .warmup && now >= client.measureStart { client.phase = .measuring }
                return now < client.measureEnd
            }
        }

        // Close frames on every open connection, then up to 2 s for the servers' replies.
        client.phase = .closing
        for connection in connections { connection.beginClose(loop: loop) }
        ClientLoop.run(loop, until: Deadline(afterSeconds: 2).min(deadline)) { client.closed < client.opened }
        for connection in connections { connection.abandon(loop: loop) }

        var json = JSONLine()
        json.add("connections", count)
        json.add("size", client.size)
        json.add("messages", client.messages)
        json.add("seconds", seconds)
        json.add("perSecond", seconds > 0 ? Double(client.messages) / seconds : 0)
        json.add("p50us", client.histogram.percentileMicros(0.50))
        json.add("p99us", client.histogram.percentileMicros(0.99))
        json.add("maxus", client.histogram.maxMicros)
        json.add("errors", client.errors)
        json.add("mismatches", client.mismatches)
        json.add("handshakeFailures", client.handshakeFailures)
        if !finished { json.add("timedOut", true) }
        Output.line(json.rendered)
        if client.opened == 0 {
            Output.error("sy-load ws-echo: no WebSocket connection could be opened")
            return 1
        }
        return finished ? 0 : 1
    }
}

@available(*, unavailable)
extension WSEchoClient: Sendable {}
