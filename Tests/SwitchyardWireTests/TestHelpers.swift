@testable import SwitchyardWire

/// The bytes of a fixture written as a Swift string (`\r\n` spelled out).
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// Runs `body` over the bytes as the parsers see them.
func withBuffer<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try bytes.withUnsafeBytes(body)
}

/// One-shot request parse.
func parseRequest(_ fixture: [UInt8], limits: HeadLimits = HeadLimits()) -> HeadParseResult<RequestHead> {
    var parser = HTTPRequestHeadParser(limits: limits)
    return withBuffer(fixture) { parser.parse($0) }
}

func parseRequest(_ text: String, limits: HeadLimits = HeadLimits()) -> HeadParseResult<RequestHead> {
    parseRequest(bytes(text), limits: limits)
}

/// One-shot response parse.
func parseResponse(_ fixture: [UInt8], limits: HeadLimits = HeadLimits()) -> HeadParseResult<ResponseHead> {
    var parser = HTTPResponseHeadParser(limits: limits)
    return withBuffer(fixture) { parser.parse($0) }
}

func parseResponse(_ text: String, limits: HeadLimits = HeadLimits()) -> HeadParseResult<ResponseHead> {
    parseResponse(bytes(text), limits: limits)
}

extension HeadParseResult {
    var head: Head? {
        if case .complete(let head, _) = self { return head }
        return nil
    }

    var error: HTTPParseError? {
        if case .invalid(let error) = self { return error }
        return nil
    }
}

/// A range of `fixture` as text.
func text(_ range: ByteRange?, in fixture: [UInt8]) -> String? {
    guard let range else { return nil }
    return withBuffer(fixture) { range.string(in: $0) }
}
