import SwitchyardConfig

/// The `Set-Cookie` value that pins a client to a peer (`sticky cookie`).
enum StickyCookie {
    /// `expires=max`: 31 Dec 2037 23:55:55 GMT with a ten-year Max-Age, what nginx sends for
    /// its own "max" cookies.
    static let maxExpires = 2_145_916_555
    static let maxAge = 315_360_000

    /// `NAME=ID` and the configured attributes; `now` (Unix seconds) dates `Expires`.
    static func setCookie(_ config: StickyCookieConfig, id: String, now: Int) -> String {
        var value = "\(config.name)=\(id)"
        switch config.expires {
        case .max:
            value += "; Expires=\(HTTPDate.format(maxExpires)); Max-Age=\(maxAge)"
        case .after(let duration):
            let seconds = Int(duration.components.seconds)
            value += "; Expires=\(HTTPDate.format(now + seconds)); Max-Age=\(seconds)"
        case nil:
            break
        }
        if let domain = config.domain { value += "; Domain=\(domain)" }
        if let path = config.path { value += "; Path=\(path)" }
        if config.httpOnly { value += "; HttpOnly" }
        if config.secure { value += "; Secure" }
        if let sameSite = config.sameSite { value += "; SameSite=\(sameSite.rawValue)" }
        return value
    }
}
