/// Where one health probe stands.
enum ProbeVerdict: Sendable, Equatable {
    /// Not decided yet: the answer is still arriving.
    case pending
    case passed
    /// Failed, with the reason the error log gives (`timed out`, `status 503 is not in 200-399`).
    case failed(String)
}
