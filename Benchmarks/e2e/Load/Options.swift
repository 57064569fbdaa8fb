import SwitchyardReactor

/// A command line mistake: printed with the usage, exit status 2.
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// `--name value` pairs, checked against the flags a command takes, with typed getters that
/// name the flag in their error.
struct Options {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>, allowed: Set<String>) throws(UsageError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard flag.hasPrefix("--"), flag.count > 2 else { throw UsageError("expected a --flag, got \"\(flag)\"") }
            let name = String(flag.dropFirst(2))
            guard allowed.contains(name) else { throw UsageError("unknown flag --\(name)") }
            guard let value = rest.popFirst() else { throw UsageError("--\(name) needs a value") }
            values[name] = value
        }
    }

    func string(_ name: String, default fallback: String? = nil) throws(UsageError) -> String {
        if let value = values[name] { return value }
        if let fallback { return fallback }
        throw UsageError("--\(name) is required")
    }

    func int(_ name: String, default fallback: Int? = nil) throws(UsageError) -> Int {
        guard let text = values[name] else {
            if let fallback { return fallback }
            throw UsageError("--\(name) is required")
        }
        guard let value = Int(text), value >= 0 else { throw UsageError("--\(name) wants a count, got \"\(text)\"") }
        return value
    }

    func seconds(_ name: String, default fallback: Double? = nil) throws(UsageError) -> Double {
        guard let text = values[name] else {
            if let fallback { return fallback }
            throw UsageError("--\(name) is required")
        }
        guard let value = Double(text), value >= 0, value.isFinite else {
            throw UsageError("--\(name) wants seconds, got \"\(text)\"")
        }
        return value
    }

    /// `--port P` as a listening port.
    func port(_ name: String) throws(UsageError) -> Int {
        let value = try int(name)
        guard value > 0 && value < 65536 else { throw UsageError("--\(name) wants a port, got \(value)") }
        return value
    }

    /// `--target 127.0.0.1:PORT`.
    func target() throws(UsageError) -> SocketAddress {
        let text = try string("target")
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            let address = SocketAddress(ip: String(text[..<colon]).trimmingBrackets, port: port)
        else { throw UsageError("--target wants IP:PORT, got \"\(text)\"") }
        return address
    }

    /// The `Host` to send: `--host`, else the target as given.
    func host() throws(UsageError) -> String {
        try string("host", default: try string("target"))
    }

    /// The client's hard time limit, `--timeout` (120 s unless given).
    func deadline() throws(UsageError) -> Deadline {
        Deadline(afterSeconds: try seconds("timeout", default: 120))
    }
}

extension String {
    /// `[::1]` as `::1`, for IPv6 targets.
    fileprivate var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
