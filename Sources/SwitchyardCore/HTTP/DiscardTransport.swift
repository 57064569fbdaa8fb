import SwitchyardReactor

/// A destination that takes every byte and keeps none: where a request body goes when
/// `proxy_pass_request_body off` says the upstream must not get it.
final class DiscardTransport: Transport {
    let fd: Int32

    init(fd: Int32) {
        self.fd = fd
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SysError) -> IOResult<Int> { .value(0) }
    func write(_ buffer: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int> { .value(buffer.count) }
    func shutdownWrite() throws(SysError) {}
}

@available(*, unavailable)
extension DiscardTransport: Sendable {}
