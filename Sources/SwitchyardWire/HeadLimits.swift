/// Size bounds for one head, given to a parser at init. A head that exceeds one is refused
/// as soon as the excess is seen, without waiting for the line's end.
///
/// Defaults follow nginx: `large_client_header_buffers 4 8k` bounds the request line and each
/// field line by 8 KiB and the head by the four buffers together.
public struct HeadLimits: Hashable, Sendable {
    /// Longest start line, without its line end (414 for a request).
    public var maxStartLineLength: Int
    /// Longest field line, without its line end (431).
    public var maxFieldLineLength: Int
    /// Largest head, from its first byte (leading empty lines included) through the empty
    /// line that ends it (431).
    public var maxHeadLength: Int
    /// Most field lines (431). nginx has no count, only the buffer bound; a count keeps the
    /// per-head field array bounded too.
    public var maxFieldCount: Int

    public init(
        maxStartLineLength: Int = 8192,
        maxFieldLineLength: Int = 8192,
        maxHeadLength: Int = 32768,
        maxFieldCount: Int = 256
    ) {
        precondition(maxStartLineLength > 0 && maxFieldLineLength > 0 && maxFieldCount > 0)
        precondition(maxHeadLength >= maxStartLineLength, "a head must be able to hold its start line")
        self.maxStartLineLength = maxStartLineLength
        self.maxFieldLineLength = maxFieldLineLength
        self.maxHeadLength = maxHeadLength
        self.maxFieldCount = maxFieldCount
    }
}
