import Glibc
import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire

/// Turns compiled values (`proxy_set_header`, `return`, `log_format`, `map` keys) into bytes
/// for one request. Names were resolved at load (`VariableRef`), so nothing is looked up by
/// name here.
struct VariableEvaluator {
    /// Only the maps: holding the whole `HTTPConfig` cost a retain and release of every list
    /// in it for each evaluator, several per request.
    let maps: [MapConfig]
    let record: HTTPExchangeRecord
    let nowMs: Int64

    init(maps: [MapConfig], record: HTTPExchangeRecord, nowMs: Int64) {
        self.maps = maps
        self.record = record
        self.nowMs = nowMs
    }

    func evaluate(_ value: CompiledValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)  // one allocation for the usual short value, not one per doubling
        append(value, to: &out)
        return out
    }

    func evaluateString(_ value: CompiledValue) -> String {
        String(decoding: evaluate(value), as: UTF8.self)
    }

    func append(_ value: CompiledValue, to out: inout [UInt8]) {
        for part in value.parts {
            switch part {
            case .literal(let text): out.append(contentsOf: text.utf8)
            case .variable(.httpHeader(let name)): appendFields(named: name, to: &out)
            case .variable(let ref): out.append(contentsOf: self.value(of: ref))
            }
        }
    }

    /// `$http_NAME` written in place: every field of that name, joined as nginx joins them,
    /// without the lists `value(of:)` builds on the way (three allocations).
    private func appendFields(named name: String, to out: inout [UInt8]) {
        let lowercased = Array(name.utf8)
        let separator: StaticString = name == "cookie" ? "; " : ", "
        let headers = record.head.headers
        record.withHead { buffer in
            var first = true
            for field in headers where field.name.equalsCaseInsensitive(lowercased, in: buffer) {
                if !first { separator.withUTF8Buffer { out.append(contentsOf: $0) } }
                first = false
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[field.value.range]))
            }
        }
    }

    func value(of ref: VariableRef) -> [UInt8] {
        switch ref {
        case .httpHeader(let name):
            let separator: [UInt8] = name == "cookie" ? [59, 32] : [44, 32]  // "; " or ", "
            return join(record.fieldValues(Array(name.utf8)), separator: separator)
        case .cookie(let name):
            return Self.cookie(named: name, in: join(record.fieldValues(Array("cookie".utf8)), separator: [59, 32]))
        case .arg(let name):
            guard let query = record.head.query else { return [] }
            return record.withHead { Self.argument(named: name, in: Array($0[query.range])) }
        case .map(let index):
            if let cached = record.mapCache[index] { return cached }
            let map = maps[index]
            let result = map.lookup(evaluateString(map.source))
            let saved = record.captures
            if let captures = result.captures { record.captures = captures }
            let value = evaluate(result.value)
            record.captures = saved
            if !map.isVolatile { record.mapCache[index] = value }
            return value
        case .capture(let n):
            return Array((record.captures?.group(n) ?? "").utf8)
        case .binaryRemoteAddr:
            return Self.binary(record.clientAddress.ip)
        case .namedCapture(let name):
            return Array((record.captures?.named[name] ?? "").utf8)
        default:
            return Array(text(of: ref).utf8)
        }
    }

    /// The variables whose value is plain text computed from the record.
    private func text(of ref: VariableRef) -> String {
        switch ref {
        case .host: return record.host
        case .args: return record.head.query.map(record.text) ?? ""
        case .isArgs: return record.head.query == nil ? "" : "?"
        case .requestURI: return record.text(record.head.target)
        case .uri: return record.uri
        case .request:
            return "\(record.text(record.head.method)) \(record.text(record.head.target)) \(record.head.version)"
        case .requestMethod: return record.text(record.head.method)
        case .scheme: return "http"
        case .serverName: return record.serverName
        case .serverPort: return String(record.serverAddress.port)
        case .serverAddr: return record.serverAddress.ip
        case .remoteAddr: return record.clientAddress.ip
        case .remotePort: return String(record.clientAddress.port)
        case .binaryRemoteAddr: return ""  // bytes, not text: see value(of:)
        case .remoteUser: return ""
        case .proxyAddXForwardedFor:
            let existing = join(record.fieldValues(Array("x-forwarded-for".utf8)), separator: [44, 32])
            return existing.isEmpty ? record.clientAddress.ip : String(decoding: existing, as: UTF8.self) + ", " + record.clientAddress.ip
        case .proxyHost: return record.proxyHost
        case .upstreamAddr:
            return tries(record.upstreamAddress) { $0.address }
        case .upstreamStatus:
            return tries(record.upstreamStatus == 0 ? "" : String(record.upstreamStatus)) { String($0.status) }
        case .upstreamResponseTime:
            return tries(record.upstreamResponseMs.map(Self.seconds) ?? "") { $0.responseMs.map(Self.seconds) ?? "-" }
        case .upstreamConnectTime:
            return tries(record.upstreamConnectMs.map(Self.seconds) ?? "") { $0.connectMs.map(Self.seconds) ?? "-" }
        case .status: return String(record.status)
        case .bodyBytesSent: return String(record.bodyBytesSent)
        case .bytesSent: return String(record.bytesSent)
        case .requestTime: return Self.seconds(max(0, nowMs - record.startedMs))
        case .requestLength: return String(record.requestLength)
        case .timeLocal: return HTTPDate.common(TimeCache.now().seconds)
        case .timeISO8601: return HTTPDate.iso8601(TimeCache.now().seconds)
        case .msec: return Self.msec(TimeCache.now())
        case .connection: return String(record.connectionNumber)
        case .connectionRequests: return String(record.connectionRequests)
        case .httpHeader, .cookie, .arg, .map, .capture, .namedCapture: return ""
        case .sslPrereadServerName, .sslPrereadALPNProtocols, .sslPrereadProtocol, .transportProtocol:
            return ""  // stream variables: the resolver never lets them into an http value
        }
    }

    /// Every earlier try's value, then the current one's, comma-separated (nginx's format).
    private func tries(_ current: String, _ earlier: (HTTPExchangeRecord.UpstreamTry) -> String) -> String {
        if record.earlierTries.isEmpty { return current }
        var parts = record.earlierTries.map(earlier)
        if !current.isEmpty || !record.upstreamAddress.isEmpty { parts.append(current.isEmpty ? "-" : current) }
        return parts.joined(separator: ", ")
    }

    private func join(_ ranges: [ByteRange], separator: [UInt8]) -> [UInt8] {
        record.withHead { buffer in
            var out: [UInt8] = []
            for (i, range) in ranges.enumerated() {
                if i > 0 { out.append(contentsOf: separator) }
                out.append(contentsOf: buffer[range.range])
            }
            return out
        }
    }

    /// `$msec`: seconds since the epoch with milliseconds.
    static func msec(_ now: (seconds: Int, milliseconds: Int)) -> String {
        "\(now.seconds).\(threeDigits(now.milliseconds))"
    }

    /// `1.234`: nginx's seconds-with-milliseconds.
    static func seconds(_ ms: Int64) -> String {
        "\(ms / 1000).\(threeDigits(Int(ms % 1000)))"
    }

    private static func threeDigits(_ value: Int) -> String {
        value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
    }

    /// The value of cookie `name` in a Cookie header value (`a=1; b=2`).
    static func cookie(named name: String, in header: [UInt8]) -> [UInt8] {
        let wanted = Array(name.utf8)
        for pair in header.split(separator: 59) {  // ';'
            var item = pair[...]
            while item.first == 32 { item = item.dropFirst() }
            guard let equals = item.firstIndex(of: 61) else { continue }  // '='
            if Array(item[item.startIndex..<equals]) == wanted { return Array(item[(equals + 1)...]) }
        }
        return []
    }

    /// The value of argument `name` in a query string (`a=1&b=2`), as sent (not decoded),
    /// the name compared case-insensitively as nginx does.
    static func argument(named name: String, in query: [UInt8]) -> [UInt8] {
        let wanted = ASCIIText.lowercased(name)
        for pair in query.split(separator: 38, omittingEmptySubsequences: true) {  // '&'
            let equals = pair.firstIndex(of: 61) ?? pair.endIndex
            if pair[pair.startIndex..<equals].map(ASCIIText.lowercased) == wanted {
                return equals == pair.endIndex ? [] : Array(pair[(equals + 1)...])
            }
        }
        return []
    }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    static func binary(_ ip: String) -> [UInt8] {
        var v4 = in_addr()
        if inet_pton(AF_INET, ip, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, ip, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return []
    }
}
