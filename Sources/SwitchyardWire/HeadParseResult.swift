/// What a head parser says about the bytes it has seen so far.
public enum HeadParseResult<Head: Hashable & Sendable>: Hashable, Sendable {
    /// The head is not complete yet; call again when more bytes have arrived.
    case needMoreBytes
    /// The head is complete. `headLength` bytes from the buffer's start belong to it (leading
    /// empty lines and the final empty line included); what follows is body or the next message.
    case complete(Head, headLength: Int)
    /// The head is malformed; the connection must be closed (after answering `error.status`
    /// to a client, or 502 to the client for an upstream's head).
    case invalid(HTTPParseError)
}

/// What a parser's scan says before the head, if complete, is built: `HeadParseResult` without
/// the (large) head, so the scan's many exits pass a few bytes around, not the whole result.
enum HeadProgress {
    case needMoreBytes
    case complete(headLength: Int)
    case invalid(HTTPParseError)
}
