/// The transfer codings of a Transfer-Encoding value (RFC 9112 §6.1, §7).
///
///     Transfer-Encoding = #transfer-coding
///     transfer-coding   = token *( OWS ";" OWS transfer-parameter )
///
/// Known codings are those of the IANA registry: chunked, compress, deflate, gzip, and the
/// x-compress / x-gzip aliases. Any other coding (including `identity`, removed from the
/// registry by RFC 7230) is unknown: 501, as nginx answers. No registered coding takes
/// parameters, so a coding with parameters (`chunked;x=1`) is refused as invalid: a parser
/// behind us might read it differently.
enum TransferCoding: Equatable {
    case chunked
    case other

    static func parse(_ element: ByteRange, in buffer: UnsafeRawBufferPointer) -> Result<TransferCoding, HTTPParseError> {
        for index in element.range where !ByteClass.tchar.contains(byte: buffer[index]) {
            return .failure(.invalidTransferEncoding)
        }
        if element.equalsCaseInsensitive("chunked", in: buffer) { return .success(.chunked) }
        for known: StaticString in ["gzip", "x-gzip", "deflate", "compress", "x-compress"]
        where element.equalsCaseInsensitive(known, in: buffer) {
            return .success(.other)
        }
        return .failure(.unknownTransferCoding)
    }
}
