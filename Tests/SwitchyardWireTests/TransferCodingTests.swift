import Testing

@testable import SwitchyardWire

struct TransferCodingTests {
    private func parse(_ element: String) -> Result<TransferCoding, HTTPParseError> {
        let fixture = bytes(element)
        return withBuffer(fixture) { TransferCoding.parse(ByteRange(offset: 0, count: fixture.count), in: $0) }
    }

    /// chunked in any case, and the registry's other codings, are known.
    @Test func knownCodings() {
        #expect(parse("chunked") == .success(.chunked))
        #expect(parse("CHUNKED") == .success(.chunked))
        for other in ["gzip", "x-gzip", "deflate", "compress", "X-Compress"] {
            #expect(parse(other) == .success(.other), "\(other)")
        }
    }

    /// Unknown codings (identity included) are 501; parameters and non-tokens are invalid.
    @Test func refused() {
        for unknown in ["identity", "xchunked", "chunkedx", "br", "chunk"] {
            #expect(parse(unknown) == .failure(.unknownTransferCoding), "\(unknown)")
        }
        for invalid in ["chunked;q=1", "chunked ;x", "\"chunked\"", "chu nked"] {
            #expect(parse(invalid) == .failure(.invalidTransferEncoding), "\(invalid)")
        }
    }
}
