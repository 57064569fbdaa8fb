import Glibc

/// What went wrong in the harness or on the wire, in a sentence a failing test can print.
public struct HarnessError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// The errno behind the failure, when one syscall failed.
    public let code: Int32?

    public init(_ description: String, code: Int32? = nil) {
        self.description = description
        self.code = code
    }

    /// `"connect(127.0.0.1:5000): Connection refused (111)"` from the current or given errno.
    public static func system(_ action: String, errno code: Int32 = errno) -> HarnessError {
        HarnessError("\(action): \(String(cString: strerror(code))) (\(code))", code: code)
    }
}
