/// A file descriptor with exactly one owner. It cannot be copied, so a descriptor cannot be
/// closed twice or forgotten: it closes when its owner lets it go, or earlier by `close()`.
public struct OwnedFD: ~Copyable {
    public let raw: Int32

    public init(_ raw: Int32) {
        self.raw = raw
    }

    public consuming func close() {
        Sys.close(raw)
        discard self
    }

    /// Hands the number to a new owner that will close it (another thread's loop, say).
    public consuming func release() -> Int32 {
        let value = raw
        discard self
        return value
    }

    deinit {
        Sys.close(raw)
    }
}
