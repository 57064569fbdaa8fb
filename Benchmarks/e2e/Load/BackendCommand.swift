import Glibc
import SwitchyardReactor

/// `sy-load backend tcp|http|ws|all`: listeners on one loop, on this thread, until SIGTERM
/// or SIGINT (their default action ends the process; a backend has nothing to tidy).
enum BackendCommand {
    private enum Kind: String, CaseIterable {
        case tcp, http, ws

        func open(_ fd: Int32, _ loop: EventLoop, _ context: BackendContext) {
            switch self {
            case .tcp: TCPBackendConnection.open(fd, loop: loop, context: context)
            case .http: HTTPBackendConnection.open(fd, loop: loop, context: context)
            case .ws: WSBackendConnection.open(fd, loop: loop, context: context)
            }
        }
    }

    static func run(_ arguments: [String]) throws(UsageError) -> Int32 {
        guard let which = arguments.first else { throw UsageError("backend wants tcp, http, ws or all") }
        var ports: [(Kind, Int)] = []
        if which == "all" {
            let options = try Options(arguments.dropFirst(), allowed: Set(Kind.allCases.map(\.rawValue)))
            for kind in Kind.allCases { ports.append((kind, try options.port(kind.rawValue))) }
        } else if let kind = Kind(rawValue: which) {
            let options = try Options(arguments.dropFirst(), allowed: ["port"])
            ports.append((kind, try options.port("port")))
        } else {
            throw UsageError("unknown backend \"\(which)\"")
        }

        let context = BackendContext()
        let loop: EventLoop
        var listeners: [Listener] = []
        do {
            loop = try EventLoop(handle: LoopHandle(id: 0), log: ErrorLog(), maxEvents: 1024)
            for (kind, port) in ports {
                listeners.append(try Listener(port: port, loop: loop) { fd, loop in kind.open(fd, loop, context) })
            }
        } catch {
            Output.error("sy-load backend: \(error)")
            return 1
        }
        Output.line("ready")
        withExtendedLifetime(listeners) { loop.run() }
        return 0
    }
}
