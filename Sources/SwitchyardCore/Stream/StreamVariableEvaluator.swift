import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire

/// What a stream connection's variables are computed from.
struct StreamConnectionFacts {
    var clientAddress: SocketAddress
    var serverAddress: SocketAddress
    var connectionNumber: UInt64
    /// The ClientHello `ssl_preread` read; nil when it is off or the client sent no ClientHello.
    var hello: ClientHelloInfo?
}

/// Evaluates the values of `stream {}` (`proxy_pass $name`, stream `map`s) for one connection.
/// Names were resolved at load, so nothing is looked up by name here.
struct StreamVariableEvaluator {
    let maps: [MapConfig]
    let facts: StreamConnectionFacts
    /// A map is evaluated once per connection unless it is `volatile`, as in nginx.
    private var mapCache: [Int: [UInt8]] = [:]
    private var captures: RegexCaptures?

    init(maps: [MapConfig], facts: StreamConnectionFacts) {
        self.maps = maps
        self.facts = facts
    }

    mutating func evaluateString(_ value: CompiledValue) -> String {
        String(decoding: evaluate(value), as: UTF8.self)
    }

    mutating func evaluate(_ value: CompiledValue) -> [UInt8] {
        var out: [UInt8] = []
        for part in value.parts {
            switch part {
            case .literal(let text): out.append(contentsOf: text.utf8)
            case .variable(let ref): out.append(contentsOf: self.value(of: ref))
            }
        }
        return out
    }

    private mutating func value(of ref: VariableRef) -> [UInt8] {
        switch ref {
        case .map(let index):
            if let cached = mapCache[index] { return cached }
            let map = maps[index]
            let result = map.lookup(evaluateString(map.source))
            let saved = captures
            if let found = result.captures { captures = found }
            let value = evaluate(result.value)
            captures = saved
            if !map.isVolatile { mapCache[index] = value }
            return value
        case .capture(let n):
            return Array((captures?.group(n) ?? "").utf8)
        case .namedCapture(let name):
            return Array((captures?.named[name] ?? "").utf8)
        case .binaryRemoteAddr:
            return VariableEvaluator.binary(facts.clientAddress.ip)
        default:
            return Array(text(of: ref).utf8)
        }
    }

    private func text(of ref: VariableRef) -> String {
        switch ref {
        case .remoteAddr: return facts.clientAddress.ip
        case .remotePort: return String(facts.clientAddress.port)
        case .serverAddr: return facts.serverAddress.ip
        case .serverPort: return String(facts.serverAddress.port)
        case .connection: return String(facts.connectionNumber)
        case .msec: return VariableEvaluator.msec(TimeCache.now())
        case .timeLocal: return HTTPDate.common(TimeCache.now().seconds)
        case .timeISO8601: return HTTPDate.iso8601(TimeCache.now().seconds)
        case .transportProtocol: return "TCP"
        case .sslPrereadServerName: return facts.hello?.serverName ?? ""
        case .sslPrereadALPNProtocols: return facts.hello?.alpnProtocols ?? ""
        case .sslPrereadProtocol: return facts.hello?.protocolVersion ?? ""
        default: return ""  // http variables: the resolver never lets them into a stream value
        }
    }
}
