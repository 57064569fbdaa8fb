/// How a request's body is delimited (RFC 9112 §6.3). A request without Content-Length or
/// Transfer-Encoding has no body; read-until-close does not exist for requests.
public enum RequestBodyFraming: Hashable, Sendable {
    case none
    case contentLength(Int)
    case chunked
}

/// How a response's body is delimited (RFC 9112 §6.3), given the request it answers.
public enum BodyFraming: Hashable, Sendable {
    /// No body: a response to HEAD, a 1xx, 204 or 304.
    case none
    case contentLength(Int)
    case chunked
    /// Neither length nor chunked: the body ends when the upstream closes.
    case untilClose
}
