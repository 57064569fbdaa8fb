/// The one-line JSON object every client prints at the end. Keys keep the order they were
/// added in, so the runner's logs read the same way every time; no Foundation needed.
struct JSONLine {
    private var text = "{"

    private mutating func key(_ name: String) {
        if text.count > 1 { text += "," }
        text += "\"\(name)\":"
    }

    mutating func add(_ name: String, _ value: Int) {
        key(name)
        text += String(value)
    }

    /// Rounded to `decimals` places (3: microseconds are nanosecond-exact, rates exact to a
    /// thousandth); NaN and infinity (a run too short to time) are written as 0, which JSON
    /// can carry.
    mutating func add(_ name: String, _ value: Double, decimals: Int = 3) {
        key(name)
        guard value.isFinite else {
            text += "0"
            return
        }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        text += rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }

    mutating func add(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    var rendered: String { text + "}" }
}
