/// Why a chunked body was refused. The body's sender is broken or hostile: the proxy closes
/// the connection (a client's request gets 400 if no response has started).
public enum ChunkedDecodingError: Error, Hashable, Sendable {
    /// A chunk-size that is empty or holds a byte that is not a hex digit.
    case invalidChunkSize
    /// A chunk-size above `Int.max` (2^63 - 1).
    case chunkSizeOverflow
    /// A chunk-ext that does not follow its grammar (bad name, bad value, stray whitespace).
    case invalidChunkExtension
    /// A chunk-size line (size and extensions) longer than the limit.
    case chunkLineTooLong
    /// Chunk data not followed by CRLF.
    case missingCRLFAfterData
    /// A line in the framing ended by a bare LF, or a CR not followed by LF. Chunked framing
    /// passes to the upstream unchanged, so no lenient line end is accepted here: a parser
    /// behind us that reads it differently would see another message.
    case invalidLineEnding
    /// A trailer field line that is not `field-name ":" OWS field-value OWS` (obs-fold
    /// included).
    case invalidTrailer
    /// A trailer section longer than the limit.
    case trailerSectionTooLarge
}

/// Walks a chunked body as it streams through, to find where it ends and to refuse malformed
/// framing (RFC 9112 §7.1). It never copies or changes bytes: the proxy forwards them as they
/// are, and chunk data is skipped without being read.
///
///     chunked-body   = *chunk last-chunk trailer-section CRLF
///     chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
///     chunk-size     = 1*HEXDIG
///     last-chunk     = 1*("0") [ chunk-ext ] CRLF
///     chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
///     chunk-ext-name = token
///     chunk-ext-val  = token / quoted-string
///     trailer-section = *( field-line CRLF )
///
/// Feed it each run of body bytes as it arrives, in order. Offsets it reports
/// (`trailerSection`) count from the body's first byte.
public struct ChunkedDecoder {
    public struct Limits: Hashable, Sendable {
        /// Longest chunk-size line (size plus extensions, without CRLF).
        public var maxChunkLineLength: Int
        /// Longest trailer section (its field lines and the final CRLF).
        public var maxTrailerSectionLength: Int

        public init(maxChunkLineLength: Int = 4096, maxTrailerSectionLength: Int = 8192) {
            precondition(maxChunkLineLength > 0 && maxTrailerSectionLength >= 2)
            self.maxChunkLineLength = maxChunkLineLength
            self.maxTrailerSectionLength = maxTrailerSectionLength
        }
    }

    public enum Result: Hashable, Sendable {
        /// Every byte given belongs to the body, and the body goes on.
        case needMoreBytes
        /// The body ends after the first `bodyBytes` bytes given; what follows is the next
        /// message.
        case complete(bodyBytes: Int)
        case invalid(ChunkedDecodingError)
    }

    private enum State: Hashable {
        case sizeStart
        case size
        case sizeWhitespace
        case extensionNameStart
        case extensionName
        case extensionNameWhitespace
        case extensionValueStart
        case extensionToken
        case extensionQuoted
        case extensionQuotedPair
        case extensionQuoteClosed
        case extensionValueWhitespace
        case sizeLineLF
        case data
        case dataCR
        case dataLF
        case trailerLineStart
        case trailerName
        case trailerValue
        case trailerLineLF
        case finalLF
        case done
        case failed(ChunkedDecodingError)
    }

    public let limits: Limits
    private var state = State.sizeStart
    private var chunkSize = 0
    private var remaining = 0
    private var lineLength = 0
    private var trailerStart: Int?
    private var trailerEnd = 0

    /// Body bytes walked so far, framing included.
    public private(set) var consumed = 0
    /// Chunk data bytes so far: the decoded body's length (for `client_max_body_size`).
    public private(set) var dataLength = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The body has ended (last chunk, trailers and the final CRLF all seen).
    public var isComplete: Bool { state == .done }

    /// Where the trailer field lines lie, each with its CRLF, counted from the body's first
    /// byte; empty when the body had none. Meaningful once `isComplete`. A proxy that forwards
    /// trailers (RFC 9112 §7.1.2) finds them here.
    public var trailerSection: Range<Int> {
        guard let trailerStart else { return trailerEnd..<trailerEnd }
        return trailerStart..<trailerEnd
    }

    /// Walks `bytes`, the next bytes of the body.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer) -> Result {
        var index = 0
        let count = bytes.count
        while index < count {
            switch state {
            case .done:
                return .complete(bodyBytes: index)
            case .failed(let error):
                return .invalid(error)
            case .data:
                let step = min(remaining, count - index)
                remaining -= step
                dataLength += step
                index += step
                consumed += step
                if remaining == 0 { state = .dataCR }
            default:
                let byte = bytes[index]
                index += 1
                consumed += 1
                step(byte)
            }
        }
        switch state {
        case .done: return .complete(bodyBytes: index)
        case .failed(let error): return .invalid(error)
        default: return .needMoreBytes
        }
    }

    /// One byte of framing (everything but chunk data). `consumed` already counts it.
    private mutating func step(_ byte: UInt8) {
        switch state {
        case .sizeStart, .size, .sizeWhitespace, .extensionNameStart, .extensionName, .extensionNameWhitespace,
            .extensionValueStart, .extensionToken, .extensionQuoted, .extensionQuotedPair, .extensionQuoteClosed,
            .extensionValueWhitespace:
            if byte != ASCII.cr {
                lineLength += 1
                if lineLength > limits.maxChunkLineLength { return fail(.chunkLineTooLong) }
            }
            chunkLine(byte)
        case .sizeLineLF:
            guard byte == ASCII.lf else { return fail(.invalidLineEnding) }
            lineLength = 0
            if chunkSize == 0 {
                state = .trailerLineStart
                trailerStart = nil
                trailerEnd = consumed
            } else {
                remaining = chunkSize
                state = .data
            }
        case .dataCR:
            state = byte == ASCII.cr ? .dataLF : .failed(.missingCRLFAfterData)
        case .dataLF:
            if byte == ASCII.lf {
                chunkSize = 0
                state = .sizeStart
            } else {
                fail(.missingCRLFAfterData)
            }
        case .trailerLineStart, .trailerName, .trailerValue, .trailerLineLF, .finalLF:
            let sectionStart = trailerStart ?? trailerEnd
            if consumed - sectionStart > limits.maxTrailerSectionLength { return fail(.trailerSectionTooLarge) }
            trailer(byte)
        case .data, .done, .failed:
            preconditionFailure("not a framing state")
        }
    }

    /// The chunk-size line: size, then extensions, up to its CR.
    private mutating func chunkLine(_ byte: UInt8) {
        let isWhitespace = ASCII.isWhitespace(byte)
        let isToken = ByteClass.tchar.contains(byte: byte)
        switch state {
        case .sizeStart:
            guard let digit = ASCII.hexValue(byte) else { return fail(.invalidChunkSize) }
            chunkSize = digit
            state = .size
        case .size:
            if let digit = ASCII.hexValue(byte) {
                guard chunkSize <= (Int.max - digit) >> 4 else { return fail(.chunkSizeOverflow) }
                chunkSize = chunkSize << 4 + digit
            } else if byte == ASCII.cr {
                state = .sizeLineLF
            } else if byte == ASCII.semicolon {
                state = .extensionNameStart
            } else if isWhitespace {
                state = .sizeWhitespace
            } else {
                fail(byte == ASCII.lf ? .invalidLineEnding : .invalidChunkSize)
            }
        case .sizeWhitespace:
            // BWS is allowed only before a ";".
            if byte == ASCII.semicolon { state = .extensionNameStart } else if !isWhitespace { fail(.invalidChunkExtension) }
        case .extensionNameStart:
            if isToken { state = .extensionName } else if !isWhitespace { fail(.invalidChunkExtension) }
        case .extensionName:
            if isToken { break }
            endOfExtensionPart(byte, whitespace: .extensionNameWhitespace, allowsEquals: true)
        case .extensionNameWhitespace:
            if byte == ASCII.equals {
                state = .extensionValueStart
            } else if byte == ASCII.semicolon {
                state = .extensionNameStart
            } else if !isWhitespace {
                fail(.invalidChunkExtension)
            }
        case .extensionValueStart:
            if isToken {
                state = .extensionToken
            } else if byte == ASCII.doubleQuote {
                state = .extensionQuoted
            } else if !isWhitespace {
                fail(.invalidChunkExtension)
            }
        case .extensionToken:
            if isToken { break }
            endOfExtensionPart(byte, whitespace: .extensionValueWhitespace, allowsEquals: false)
        case .extensionQuoted:
            if byte == ASCII.doubleQuote {
                state = .extensionQuoteClosed
            } else if byte == ASCII.backslash {
                state = .extensionQuotedPair
            } else if !(ByteClass.qdtext.contains(byte: byte) || isWhitespace) {
                fail(.invalidChunkExtension)
            }
        case .extensionQuotedPair:
            // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
            if ByteClass.fieldVChar.contains(byte: byte) || isWhitespace { state = .extensionQuoted } else { fail(.invalidChunkExtension) }
        case .extensionQuoteClosed:
            endOfExtensionPart(byte, whitespace: .extensionValueWhitespace, allowsEquals: false)
        case .extensionValueWhitespace:
            if byte == ASCII.semicolon { state = .extensionNameStart } else if !isWhitespace { fail(.invalidChunkExtension) }
        default:
            preconditionFailure("not a chunk-line state")
        }
    }

    /// After an extension name or value: the line's CR, the next ";", "=" (after a name), or
    /// BWS, which may only precede ";" or "=".
    private mutating func endOfExtensionPart(_ byte: UInt8, whitespace: State, allowsEquals: Bool) {
        if byte == ASCII.cr {
            state = .sizeLineLF
        } else if byte == ASCII.semicolon {
            state = .extensionNameStart
        } else if allowsEquals, byte == ASCII.equals {
            state = .extensionValueStart
        } else if ASCII.isWhitespace(byte) {
            state = whitespace
        } else {
            fail(byte == ASCII.lf ? .invalidLineEnding : .invalidChunkExtension)
        }
    }

    /// The trailer section and the final CRLF, with the head's field-line rules.
    private mutating func trailer(_ byte: UInt8) {
        switch state {
        case .trailerLineStart:
            if byte == ASCII.cr {
                state = .finalLF
            } else if ByteClass.tchar.contains(byte: byte) {
                if trailerStart == nil { trailerStart = consumed - 1 }
                state = .trailerName
            } else {
                fail(byte == ASCII.lf ? .invalidLineEnding : .invalidTrailer)
            }
        case .trailerName:
            if byte == ASCII.colon {
                state = .trailerValue
            } else if !ByteClass.tchar.contains(byte: byte) {
                fail(.invalidTrailer)
            }
        case .trailerValue:
            if byte == ASCII.cr {
                state = .trailerLineLF
            } else if !(ByteClass.fieldVChar.contains(byte: byte) || ASCII.isWhitespace(byte)) {
                fail(byte == ASCII.lf ? .invalidLineEnding : .invalidTrailer)
            }
        case .trailerLineLF:
            if byte == ASCII.lf {
                state = .trailerLineStart
                trailerEnd = consumed
            } else {
                fail(.invalidLineEnding)
            }
        case .finalLF:
            if byte == ASCII.lf { state = .done } else { fail(.invalidLineEnding) }
        default:
            preconditionFailure("not a trailer state")
        }
    }

    private mutating func fail(_ error: ChunkedDecodingError) {
        state = .failed(error)
    }
}

@available(*, unavailable)
extension ChunkedDecoder: Sendable {}
