/// A byte stream over a socket, as the copy path sees it. The plain socket is one; a TLS
/// session (a later layer) is another, with the same non-blocking contract, so the HTTP
/// session and copy tunnels never care which one they talk to.
public protocol Transport: AnyObject {
    /// The socket underneath, for readiness registration.
    var fd: Int32 { get }
    /// `.value(0)` is end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SysError) -> IOResult<Int>
    func write(_ buffer: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int>
    /// `first` then `second`, in one call where the transport can (a gathering write).
    func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int>
    func shutdownWrite() throws(SysError)
}

extension Transport {
    /// A transport without gathering writes sends `first` alone; the caller sends the rest.
    public func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int> {
        try write(first)
    }
}

/// A plain TCP socket as a transport. It does not own the descriptor.
public final class SocketTransport: Transport {
    public let fd: Int32

    public init(fd: Int32) {
        self.fd = fd
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SysError) -> IOResult<Int> {
        try Sys.read(fd, buffer)
    }

    public func write(_ buffer: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int> {
        try Sys.write(fd, buffer)
    }

    public func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int> {
        try Sys.write(fd, first, second)
    }

    public func shutdownWrite() throws(SysError) {
        try Sys.shutdownWrite(fd)
    }
}

@available(*, unavailable)
extension SocketTransport: Sendable {}
