/// `sticky cookie NAME [expires=TIME|max] [domain=D] [path=P] [httponly] [secure]
/// [samesite=strict|lax|none];` in an http `upstream {}` (nginx Plus's syntax). The cookie
/// names the server a client was sent to by an opaque id; a later request carrying it goes
/// back to that server while it is available.
public struct StickyCookieConfig: Sendable, Hashable {
    public enum Expiry: Sendable, Hashable {
        /// `expires=max`: 31 Dec 2037 23:55:55 GMT, as nginx Plus sends it.
        case max
        case after(Duration)
    }

    public enum SameSite: String, Sendable, Hashable, CaseIterable {
        case strict = "Strict"
        case lax = "Lax"
        case none = "None"
    }

    public var name: String
    /// nil: a session cookie, gone when the browser closes.
    public var expires: Expiry?
    public var domain: String?
    public var path: String?
    public var httpOnly: Bool
    public var secure: Bool
    public var sameSite: SameSite?
    public var location: SourceLocation

    public init(
        name: String, expires: Expiry? = nil, domain: String? = nil, path: String? = nil, httpOnly: Bool = false,
        secure: Bool = false, sameSite: SameSite? = nil, location: SourceLocation
    ) {
        self.name = name
        self.expires = expires
        self.domain = domain
        self.path = path
        self.httpOnly = httpOnly
        self.secure = secure
        self.sameSite = sameSite
        self.location = location
    }
}
