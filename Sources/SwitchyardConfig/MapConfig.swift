/// `map SOURCE $NAME { ... }`: a variable whose value is looked up from another value
/// (https://nginx.org/en/docs/http/ngx_http_map_module.html). The order of a lookup is nginx's:
/// an exact string (ignoring case), then with `hostnames` the longest `*.` and `.*` masks, then
/// the first regex in config order, then `default` (empty when not written).
public struct MapConfig: Sendable {
    /// The defined variable, without `$`.
    public var name: String
    /// What is looked up, usually one variable.
    public var source: CompiledValue
    public var hostnames: Bool
    /// `volatile`: not cached within a request.
    public var isVolatile: Bool
    public var defaultValue: CompiledValue
    public var location: SourceLocation

    private var table = HostnameTable<CompiledValue>()
    private var regexes: [(regex: ConfigRegex, value: CompiledValue)] = []

    init(
        name: String, source: CompiledValue, hostnames: Bool, isVolatile: Bool, defaultValue: CompiledValue,
        location: SourceLocation
    ) {
        self.name = name
        self.source = source
        self.hostnames = hostnames
        self.isVolatile = isVolatile
        self.defaultValue = defaultValue
        self.location = location
    }

    /// Adds a key; false when an equal key is already there (nginx's "conflicting parameter").
    mutating func add(_ pattern: HostnameTable<CompiledValue>.Pattern, _ value: CompiledValue) -> Bool {
        table.add(pattern, value)
    }

    mutating func add(_ regex: ConfigRegex, _ value: CompiledValue) {
        regexes.append((regex, value))
    }

    /// Every value a lookup can produce, for checks that need them all.
    var allValues: [CompiledValue] {
        [defaultValue] + table.values + regexes.map(\.value)
    }

    public struct Result: Sendable, Hashable {
        public var value: CompiledValue
        /// The groups when a regex key matched, for the `$1`... in `value`.
        public var captures: RegexCaptures?
    }

    /// The value for `key`, the evaluated source. With `hostnames`, a trailing dot is ignored.
    public func lookup(_ key: String) -> Result {
        var lowered = key.lowercased()
        if hostnames, lowered.hasSuffix(".") { lowered.removeLast() }
        if let value = table.lookup(lowered) { return Result(value: value) }
        for (regex, value) in regexes {
            if let captures = regex.firstMatch(in: key) { return Result(value: value, captures: captures) }
        }
        return Result(value: defaultValue)
    }
}
