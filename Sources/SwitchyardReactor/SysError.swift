import Glibc

/// A failed system call: which call, and the errno it returned. Its description reads like
/// nginx's (`connect() failed (111: Connection refused)`) so log lines look familiar.
public struct SysError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var errno: Int32

    public init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var reason: String { String(cString: strerror(errno)) }

    public var description: String { "\(call)() failed (\(errno): \(reason))" }

    /// The peer went away (reset, broken pipe): an ordinary end of a connection, not our fault.
    public var isPeerGone: Bool { errno == ECONNRESET || errno == EPIPE || errno == ENOTCONN }

    /// The process or system ran out of descriptors or buffers: back off, don't spin.
    public var isResourceExhaustion: Bool {
        errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM
    }
}

/// The two non-error outcomes of a non-blocking call.
public enum IOResult<Value> {
    case value(Value)
    case wouldBlock
}

extension IOResult: Sendable where Value: Sendable {}

extension IOResult {
    /// The value, or nil when the call would have blocked.
    public var done: Value? {
        if case .value(let value) = self { value } else { nil }
    }
}
