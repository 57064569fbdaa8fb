/// nginx's number, size and time syntax (`ngx_atoi`, `ngx_parse_size`, `ngx_parse_time`).
/// Each returns nil for anything nginx would reject, overflow included; the directive layer
/// turns nil into nginx's `"name" directive invalid value`.
public enum Units {
    /// What a time without a unit means, and which units are allowed. nginx parses a timeout
    /// (`proxy_timeout`) in milliseconds and a period (`fail_timeout=`) in seconds; `ms` only
    /// makes sense for the first, months and years only for the second.
    public enum TimeBase: Sendable {
        case milliseconds
        case seconds
    }

    /// A non-negative decimal integer: digits only, no sign, no spaces.
    public static func number(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard let digit = digitValue(byte) else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(digit)
            if overflowA || overflowB { return nil }
            value = sum
        }
        return value
    }

    /// `1024`, `8k`/`8K`, `1m`/`1M`, `1g`/`1G`, in bytes.
    public static func size(_ text: String) -> Int? {
        guard let unit = text.last else { return nil }
        let scale: Int
        switch unit {
        case "k", "K": scale = 1 << 10
        case "m", "M": scale = 1 << 20
        case "g", "G": scale = 1 << 30
        default: return number(text)
        }
        guard let count = number(text.dropLast()) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }

    /// `500ms`, `60s`, `10m`, `1h30m`, `"1h 30m"`, `2d`, `1w`, `1M`, `1y`; a bare number is
    /// seconds. Units must appear largest first and at most once each, as nginx requires.
    public static func time(_ text: String, base: TimeBase = .milliseconds) -> Duration? {
        var parser = TimeParser(base: base)
        guard let count = parser.parse(Array(text.utf8)) else { return nil }
        return switch base {
        case .milliseconds: .milliseconds(count)
        case .seconds: .seconds(count)
        }
    }

    static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}

/// The state of one `Units.time` parse: a running total in the base unit, the digits not yet
/// given a unit, and the last unit seen (units must come in decreasing order).
private struct TimeParser {
    /// Units in the order nginx requires them, largest first; `bare` is a number ended by a
    /// space (`"10 "`), which counts as seconds and nothing may follow.
    private enum Unit: Int, Comparable {
        case year, month, week, day, hour, minute, second, millisecond, bare

        static func < (a: Unit, b: Unit) -> Bool { a.rawValue < b.rawValue }

        var milliseconds: Int {
            switch self {
            case .year: 365 * 86_400_000
            case .month: 30 * 86_400_000
            case .week: 7 * 86_400_000
            case .day: 86_400_000
            case .hour: 3_600_000
            case .minute: 60_000
            case .second, .bare: 1000
            case .millisecond: 1
            }
        }
    }

    let base: Units.TimeBase
    private var total = 0
    private var pending: Int?
    /// The last unit used; a millisecond base starts past months because nginx keeps
    /// millisecond timers in a machine word and refuses `y` and `M` there.
    private var last: Unit?

    init(base: Units.TimeBase) {
        self.base = base
        last = base == .milliseconds ? .month : nil
    }

    mutating func parse(_ bytes: [UInt8]) -> Int? {
        var sawDigit = false
        var i = 0
        while i < bytes.count {
            if let digit = Units.digitValue(bytes[i]) {
                let (shifted, overflowA) = (pending ?? 0).multipliedReportingOverflow(by: 10)
                let (value, overflowB) = shifted.addingReportingOverflow(digit)
                if overflowA || overflowB { return nil }
                pending = value
                sawDigit = true
                i += 1
                continue
            }
            guard let (unit, width) = unit(at: i, in: bytes), add(unit) else { return nil }
            i += width
            while i < bytes.count && bytes[i] == ASCII.space { i += 1 }
        }
        guard sawDigit else { return nil }
        // Trailing digits without a unit are seconds: `90`, `1m30`.
        if pending != nil && !add(.second) { return nil }
        return total
    }

    private func unit(at i: Int, in bytes: [UInt8]) -> (Unit, Int)? {
        switch bytes[i] {
        case UInt8(ascii: "y"): (.year, 1)
        case UInt8(ascii: "M"): (.month, 1)
        case UInt8(ascii: "w"): (.week, 1)
        case UInt8(ascii: "d"): (.day, 1)
        case UInt8(ascii: "h"): (.hour, 1)
        case UInt8(ascii: "m"):
            i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "s") ? (.millisecond, 2) : (.minute, 1)
        case UInt8(ascii: "s"): (.second, 1)
        case ASCII.space: (.bare, 1)
        default: nil
        }
    }

    /// Adds the pending digits in `unit`; false when the unit is out of order, has no digits,
    /// is not allowed in this base, or the total overflows.
    private mutating func add(_ unit: Unit) -> Bool {
        guard let value = pending else { return false }
        let rank = unit == .bare ? .second : unit
        if let last, rank <= last { return false }
        if unit == .millisecond && base == .seconds { return false }
        let scale = base == .seconds ? unit.milliseconds / 1000 : unit.milliseconds
        let (product, overflowA) = value.multipliedReportingOverflow(by: scale)
        let (sum, overflowB) = total.addingReportingOverflow(product)
        if overflowA || overflowB { return false }
        total = sum
        pending = nil
        last = unit
        return true
    }
}
