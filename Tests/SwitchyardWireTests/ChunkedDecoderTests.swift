import Testing

@testable import SwitchyardWire

struct ChunkedDecoderTests {
    private func decode(_ body: [UInt8], limits: ChunkedDecoder.Limits = .init()) -> (ChunkedDecoder.Result, ChunkedDecoder) {
        var decoder = ChunkedDecoder(limits: limits)
        let result = withBuffer(body) { decoder.decode($0) }
        return (result, decoder)
    }

    private func decode(_ body: String, limits: ChunkedDecoder.Limits = .init()) -> ChunkedDecoder.Result {
        decode(bytes(body), limits: limits).0
    }

    /// A plain body ends after `0 CRLF CRLF`, with its data length and no trailers.
    @Test func simpleBody() {
        let body = bytes("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        let (result, decoder) = decode(body)
        #expect(result == .complete(bodyBytes: body.count))
        #expect(decoder.isComplete)
        #expect(decoder.dataLength == 11)
        #expect(decoder.consumed == body.count)
        #expect(decoder.trailerSection.isEmpty)
    }

    /// Bytes after the body (the next pipelined message) are not counted as body.
    @Test func stopsAtTheEnd() {
        let body = "3\r\nabc\r\n0\r\n\r\n"
        let (result, decoder) = decode(bytes(body + "GET / HTTP/1.1\r\n"))
        #expect(result == .complete(bodyBytes: body.utf8.count))
        #expect(decoder.consumed == body.utf8.count)
        var done = decoder
        #expect(withBuffer(bytes("more")) { done.decode($0) } == .complete(bodyBytes: 0))
    }

    /// A body with extensions (token, quoted with an escape, BWS, no value), uppercase hex and trailers.
    static let richBody =
        "5;name=value;flag\r\nhello\r\n"
        + "A ; q = \"a b\\\"c\" ;x\r\n0123456789\r\n"
        + "00;last=\"\"\r\n"
        + "X-Checksum: abc123\r\nX-Empty:\r\n\r\n"

    /// Extensions and trailers are accepted, and the trailer section's range is kept.
    @Test func extensionsAndTrailers() {
        let body = bytes(Self.richBody)
        let (result, decoder) = decode(body)
        #expect(result == .complete(bodyBytes: body.count))
        #expect(decoder.dataLength == 15)
        let trailers = String(decoding: body[decoder.trailerSection], as: UTF8.self)
        #expect(trailers == "X-Checksum: abc123\r\nX-Empty:\r\n")
    }

    static let splitBodies = [
        "5\r\nhello\r\n0\r\n\r\n",
        richBody,
        "1;a=b\r\nx\r\n0\r\nT: v\r\n\r\n",
    ]

    /// Split in two at every byte, or fed a byte at a time, the decoder reaches the same end and facts.
    @Test(arguments: splitBodies)
    func splitAtEveryByte(_ text: String) {
        let body = bytes(text + "NEXT")
        let (oneShot, reference) = decode(body)
        let bodyLength = text.utf8.count
        #expect(oneShot == .complete(bodyBytes: bodyLength))

        for split in 0...body.count {
            var decoder = ChunkedDecoder()
            let first = withBuffer(Array(body[..<split])) { decoder.decode($0) }
            if split >= bodyLength {
                #expect(first == .complete(bodyBytes: bodyLength), "split \(split)")
                continue
            }
            #expect(first == .needMoreBytes, "split \(split)")
            let second = withBuffer(Array(body[split...])) { decoder.decode($0) }
            #expect(second == .complete(bodyBytes: bodyLength - split), "split \(split)")
            #expect(decoder.trailerSection == reference.trailerSection)
            #expect(decoder.dataLength == reference.dataLength)
        }

        var decoder = ChunkedDecoder()
        var ended: Int?
        for (index, byte) in body.enumerated() {
            let result = withBuffer([byte]) { decoder.decode($0) }
            if result == .complete(bodyBytes: 1) {
                ended = index + 1
                break
            }
            #expect(result == .needMoreBytes, "byte \(index)")
        }
        #expect(ended == bodyLength)
        #expect(decoder.trailerSection == reference.trailerSection)
    }

    /// Large chunk data is skipped in bulk across buffers, and the largest Int63 size is accepted.
    @Test func largeChunks() {
        var decoder = ChunkedDecoder()
        #expect(withBuffer(bytes("100000\r\n")) { decoder.decode($0) } == .needMoreBytes)
        let megabyte = [UInt8](repeating: 0x41, count: 0x100000)
        #expect(withBuffer(Array(megabyte[..<1000])) { decoder.decode($0) } == .needMoreBytes)
        #expect(withBuffer(Array(megabyte[1000...]) + bytes("\r\n0\r\n\r\n")) { decoder.decode($0) } == .complete(bodyBytes: 0x100000 - 1000 + 7))
        #expect(decoder.dataLength == 0x100000)
        #expect(decode("7fffffffffffffff\r\nabc") == .needMoreBytes)
    }

    /// A malformed chunked body and the error it must get.
    static let rejections: [(String, String, ChunkedDecodingError)] = [
        ("a non-hex size", "zz\r\n", .invalidChunkSize),
        ("an empty size", "\r\n", .invalidChunkSize),
        ("a signed size", "-5\r\n", .invalidChunkSize),
        ("a 0x prefix", "0x5\r\n", .invalidChunkSize),
        ("a size of 2^63", "8000000000000000\r\n", .chunkSizeOverflow),
        ("a 17-digit size", "10000000000000000\r\n", .chunkSizeOverflow),
        ("a bare LF after the size", "5\nhello\r\n", .invalidLineEnding),
        ("CR without LF after the size", "5\rhello", .invalidLineEnding),
        ("data longer than its size", "5\r\nhelloX\r\n", .missingCRLFAfterData),
        ("data followed by LF only", "5\r\nhello\n0\r\n\r\n", .missingCRLFAfterData),
        ("whitespace after the size without extension", "5 \r\nhello\r\n", .invalidChunkExtension),
        ("a control byte in an extension", "5;\u{1}\r\n", .invalidChunkExtension),
        ("an empty extension name", "5;=x\r\n", .invalidChunkExtension),
        ("whitespace inside an extension name", "5;a b\r\n", .invalidChunkExtension),
        ("trailing whitespace after an extension value", "5;a=b \r\n", .invalidChunkExtension),
        ("an unterminated quoted value", "5;a=\"b\r\n", .invalidChunkExtension),
        ("an empty extension value", "5;a=\r\n", .invalidChunkExtension),
        ("a bare LF after an extension", "5;a=b\nhello", .invalidLineEnding),
        ("a space in a trailer name", "0\r\nBad Name: x\r\n\r\n", .invalidTrailer),
        ("whitespace before a trailer colon", "0\r\nX : x\r\n\r\n", .invalidTrailer),
        ("an obs-fold trailer", "0\r\nX: a\r\n b\r\n\r\n", .invalidTrailer),
        ("a trailer without colon", "0\r\nX\r\n\r\n", .invalidTrailer),
        ("NUL in a trailer value", "0\r\nX: a\u{0}\r\n\r\n", .invalidTrailer),
        ("a bare LF ending a trailer", "0\r\nX: a\n\r\n", .invalidLineEnding),
        ("a bare LF as the final line", "0\r\n\n", .invalidLineEnding),
        ("CR without LF as the final line", "0\r\n\rX", .invalidLineEnding),
    ]

    /// Every malformed body is refused with its own error.
    @Test(arguments: rejections)
    func rejects(_ what: String, _ body: String, _ error: ChunkedDecodingError) {
        #expect(decode(body) == .invalid(error), "\(what)")
    }

    /// The chunk-size line and the trailer section are bounded; an error stays reported.
    @Test func limits() {
        let limits = ChunkedDecoder.Limits(maxChunkLineLength: 8, maxTrailerSectionLength: 16)
        #expect(decode("5;a=bcd\r\nhello\r\n0\r\n\r\n", limits: limits) == .complete(bodyBytes: 21))
        #expect(decode("5;a=bcdef\r\n", limits: limits) == .invalid(.chunkLineTooLong))
        #expect(decode("000000000", limits: limits) == .invalid(.chunkLineTooLong))
        #expect(decode("0\r\nX: 012345678\r\n\r\n", limits: limits) == .complete(bodyBytes: 19))
        #expect(decode("0\r\nX: 0123456789\r\n\r\n", limits: limits) == .invalid(.trailerSectionTooLarge))

        var decoder = ChunkedDecoder()
        #expect(withBuffer(bytes("zz")) { decoder.decode($0) } == .invalid(.invalidChunkSize))
        #expect(withBuffer(bytes("0\r\n\r\n")) { decoder.decode($0) } == .invalid(.invalidChunkSize))
    }
}
