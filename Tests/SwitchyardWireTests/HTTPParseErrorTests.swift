import Testing

@testable import SwitchyardWire

struct HTTPParseErrorTests {
    /// Limits get 414/431, HTTP/2+ gets 505, an unknown coding 501, malformed status lines 502, the rest 400.
    @Test func statuses() {
        #expect(HTTPParseError.requestLineTooLong.status == 414)
        #expect(HTTPParseError.headerLineTooLong.status == 431)
        #expect(HTTPParseError.headerSectionTooLarge.status == 431)
        #expect(HTTPParseError.tooManyHeaders.status == 431)
        #expect(HTTPParseError.unsupportedVersion.status == 505)
        #expect(HTTPParseError.unknownTransferCoding.status == 501)
        #expect(HTTPParseError.invalidStatusLine.status == 502)
        let badRequests: [HTTPParseError] = [
            .invalidMethod, .invalidRequestTarget, .http09Request, .invalidVersion, .bareCarriageReturn,
            .whitespaceAfterStartLine, .obsoleteLineFolding, .missingColon, .invalidHeaderName, .whitespaceBeforeColon,
            .invalidHeaderValue, .multipleHost, .missingHost, .invalidHost, .invalidContentLength,
            .conflictingContentLength, .contentLengthWithTransferEncoding, .invalidTransferEncoding,
            .transferEncodingNotFinallyChunked, .transferEncodingInHTTP10,
        ]
        for error in badRequests { #expect(error.status == 400, "\(error)") }
    }

    /// Every error has a log reason.
    @Test func reasons() {
        #expect(HTTPParseError.missingHost.reason == "HTTP/1.1 request without \"Host\" header")
        #expect(HTTPParseError.requestLineTooLong.reason == "too long URI")
    }
}
