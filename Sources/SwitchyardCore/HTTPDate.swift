import Glibc

/// HTTP dates (RFC 9110 §5.6.7) and the time formats nginx's log variables use. Formatting
/// happens at most once per second per loop (`TimeCache`); parsing only for conditional
/// requests (`If-Modified-Since`).
public enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func format(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// nginx's `$time_local`: `23/Nov/2026:12:00:00 +0000`, in local time.
    public static func common(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        return "\(two(parts.tm_mday))/\(months[Int(parts.tm_mon)])/\(parts.tm_year + 1900):"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) \(offset(parts.tm_gmtoff, colon: false))"
    }

    /// nginx's `$time_iso8601`: `2026-11-23T12:00:00+00:00`, in local time.
    public static func iso8601(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))\(offset(parts.tm_gmtoff, colon: true))"
    }

    /// Parses the three forms RFC 9110 says a recipient must accept: IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`), obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
    /// and asctime (`Sun Nov  6 08:49:37 1994`). Returns seconds since the epoch, or nil.
    public static func parse(_ text: String) -> Int? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?, month: Int?, year: Int?, clock: [Int]?
        if words.count == 6 && words[5] == "GMT" {  // IMF-fixdate
            day = Int(words[1]); month = months.firstIndex(of: words[2]); year = Int(words[3]); clock = hms(words[4])
        } else if words.count == 4 && words[3] == "GMT" {  // RFC 850
            let dmy = words[1].split(separator: "-").map(String.init)
            guard dmy.count == 3, let shortYear = Int(dmy[2]) else { return nil }
            day = Int(dmy[0]); month = months.firstIndex(of: dmy[1])
            // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
            year = shortYear < 70 ? 2000 + shortYear : 1900 + shortYear
            clock = hms(words[2])
        } else if words.count == 5 {  // asctime
            month = months.firstIndex(of: words[1]); day = Int(words[2]); clock = hms(words[3]); year = Int(words[4])
        }
        guard let day, let month, let year, let clock, (1...31).contains(day), year >= 1970 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(clock[0])
        parts.tm_min = Int32(clock[1])
        parts.tm_sec = Int32(clock[2])
        return Int(timegm(&parts))
    }

    private static func hms(_ text: String) -> [Int]? {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 3, parts[0] < 24, parts[1] < 60, parts[2] < 61 else { return nil }
        return parts
    }

    private static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func offset(_ seconds: Int, colon: Bool) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return "\(sign)\(two(Int32(minutes / 60)))\(colon ? ":" : "")\(two(Int32(minutes % 60)))"
    }
}

/// The Date header value for the current second, rebuilt only when the second changes: a
/// loop serving thousands of requests a second formats it once.
public struct TimeCache {
    public private(set) var second = -1
    public private(set) var httpDate = ""

    public init() {}

    /// Wall-clock seconds and milliseconds now.
    public static func now() -> (seconds: Int, milliseconds: Int) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return (Int(ts.tv_sec), Int(ts.tv_nsec) / 1_000_000)
    }

    public mutating func update(seconds: Int) {
        guard seconds != second else { return }
        second = seconds
        httpDate = HTTPDate.format(seconds)
    }
}
