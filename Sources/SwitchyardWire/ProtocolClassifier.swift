/// What the first bytes of a connection say it is (DESIGN "Preread"; issue 4, item 1).
///
/// | first bytes                                                | decision         | decided after            |
/// |------------------------------------------------------------|------------------|--------------------------|
/// | nothing yet                                                | `.needMoreBytes` | —                        |
/// | a proper prefix of any line below                          | `.needMoreBytes` | —                        |
/// | `method SP target SP "HTTP/1."`, method registered (1)     | `.http`          | the `.` after `HTTP/1`   |
/// | `method SP target` reaching `maxRequestLineLength` (2)     | `.http`          | the bound                |
/// | `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` (RFC 9113 §3.4)         | `.http2`         | 24 bytes                 |
/// | `16 03 0X LL LL 01`, X ≤ 4, 1 ≤ LLLL ≤ 2^14 + 2048 (3)      | `.tls(version)`  | 6 bytes                  |
/// | a byte that no line above allows at its place              | `.other`         | that byte                |
///
/// 1. `MethodTokens.all`: the IANA registry, case-sensitive, so `get / HTTP/1.1` is `.other`.
///    The target is any run of bytes other than SP, controls and DEL: its finer grammar is the
///    HTTP parser's to judge, so `GET /é HTTP/1.1` is `.http` and gets a 400 from it, not a
///    trip to the stream route. Empty lines (CRLF or LF) before the request line are skipped,
///    as the HTTP parser skips them (RFC 9112 §2.2), so both agree on what a request is.
///    Anything else that starts like a request and then breaks the line's shape — two SPs,
///    `GET /\r\n` (HTTP/0.9), `GET / HTTP/2.0`, `GET / http/1.1` — is `.other`: the issue
///    defines HTTP as a line ending in ` HTTP/1.`, and on a hybrid port a byte stream that
///    merely begins with `GET ` may belong to the stream server's protocol (Redis inline
///    commands begin with `GET`, `COPY`, `MOVE`).
/// 2. The only place where the bytes cannot settle it: a client that sends a method, SP and
///    `maxRequestLineLength` bytes of target without the version. Nothing but an HTTP client
///    with an over-long URI does that, and nginx answers it 414; waiting longer would grow the
///    peek without bound, and the stream route would receive an HTTP request it cannot
///    answer. So it is `.http`, and the HTTP parser (whose `maxStartLineLength` has the same
///    8 KiB default) answers 414. The bound counts from the connection's first byte.
/// 3. The record layer of a ClientHello (RFC 8446 §5.1, §4): content type 22 (handshake),
///    `legacy_record_version` SSL 3.0 to TLS 1.3, a fragment length TLS allows, handshake
///    type 1. The version carried is the record's, which TLS 1.3 clients set to 1.0 or 1.2;
///    `TLSClientHelloParser` finds the version the client really offers. SSLv2-compatible
///    hellos (first byte 0x80) are `.other`.
public enum ProtocolClassification: Hashable, Sendable {
    /// The bytes so far are a prefix of more than one outcome (or of one that is not yet
    /// certain): peek again when more have arrived.
    case needMoreBytes
    /// An HTTP/1.x request line.
    case http
    /// The HTTP/2 connection preface (prior knowledge, h2c).
    case http2
    /// A TLS record holding (the start of) a ClientHello; the record layer's version.
    case tls(TLSProtocolVersion)
    /// Anything else: the stream route.
    case other
}

/// Classifies a connection from the bytes `recv(MSG_PEEK)` returned, deciding as early as the
/// bytes allow; see `ProtocolClassification` for the decisions.
///
/// Call `classify` with the whole peeked prefix each time more bytes have arrived (the buffer
/// must start at the connection's first byte every time; it may move in memory). The
/// classifier remembers how far it got, so the work over all calls is proportional to the
/// bytes examined, and once it has decided it answers the same without looking again. A fresh
/// classifier gives the same answer for the same prefix, so re-running one from scratch is
/// correct too, and cheap: a typical request line is decided after its first 15 to 100 bytes.
///
/// No allocation, no `String`: a 256-entry table picks the candidate protocols from the first
/// byte, the method is compared against the few registered methods with that first letter,
/// and the target is scanned 8 bytes at a time.
public struct ProtocolClassifier {
    /// The longest request line (from the connection's first byte, empty lines before the
    /// request line included) examined before deciding `.http` without seeing the version.
    /// Keep it within the caller's peek buffer (`preread_buffer_size`): a buffer that fills
    /// first leaves a long request line undecided.
    public let maxRequestLineLength: Int
    private var state: State

    private enum State {
        /// Before the request line; it starts at `lineStart` (after any empty lines).
        case start(lineStart: Int)
        /// A registered method and its SP were seen; bytes from `targetStart` up to `scanned`
        /// are target bytes.
        case target(targetStart: Int, scanned: Int)
        /// The target ended with the SP at `at`; ` HTTP/1.` is expected from there.
        case version(at: Int)
        case decided(ProtocolClassification)
    }

    /// The 24 bytes of the HTTP/2 client connection preface (RFC 9113 §3.4).
    static let http2Preface: StaticString = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    /// What follows a request-target: SP and the version up to its minor digit.
    static let versionPrefix: StaticString = " HTTP/1."

    /// - Parameter maxRequestLineLength: see the property; nginx's default request line bound
    ///   (`large_client_header_buffers 4 8k`), as `HeadLimits.maxStartLineLength`. At least 64.
    public init(maxRequestLineLength: Int = 8192) {
        precondition(maxRequestLineLength >= 64, "a request line bound must hold a method, a short target and the version")
        self.maxRequestLineLength = maxRequestLineLength
        self.state = .start(lineStart: 0)
    }

    /// Classifies a prefix with a fresh classifier (for a caller that keeps no state).
    public static func classify(_ buffer: UnsafeRawBufferPointer, maxRequestLineLength: Int = 8192) -> ProtocolClassification {
        var classifier = ProtocolClassifier(maxRequestLineLength: maxRequestLineLength)
        return classifier.classify(buffer)
    }

    /// Classifies the connection's first bytes; see the type's comment.
    public mutating func classify(_ buffer: UnsafeRawBufferPointer) -> ProtocolClassification {
        switch state {
        case .decided(let decision): decision
        case .start(let lineStart): classifyStart(buffer, lineStart: lineStart)
        case .target(let targetStart, let scanned): scanTarget(buffer, targetStart: targetStart, from: scanned)
        case .version(let at): matchVersion(buffer, at: at)
        }
    }

    /// Forgets what was seen, for a new connection.
    public mutating func reset() {
        state = .start(lineStart: 0)
    }

    @inline(__always)
    private mutating func decide(_ decision: ProtocolClassification) -> ProtocolClassification {
        state = .decided(decision)
        return decision
    }

    // MARK: First bytes

    private mutating func classifyStart(_ buffer: UnsafeRawBufferPointer, lineStart: Int) -> ProtocolClassification {
        let count = buffer.count
        guard lineStart < count else { return .needMoreBytes }
        switch Self.dispatch(buffer[lineStart]) {
        case .methodLetter:
            return classifyMethod(buffer, lineStart: lineStart)
        case .tlsHandshake where lineStart == 0:
            return classifyTLS(buffer)
        case .lineEnd:
            return skipEmptyLines(buffer, from: lineStart)
        default:
            return decide(.other)
        }
    }

    /// RFC 9112 §2.2: a server SHOULD ignore at least one empty line (CRLF) received before
    /// the request-line. A bare LF counts as a line end, as in the HTTP parser.
    private mutating func skipEmptyLines(_ buffer: UnsafeRawBufferPointer, from start: Int) -> ProtocolClassification {
        var index = start
        let count = buffer.count
        while index < count {
            let byte = buffer[index]
            if byte == ASCII.lf {
                index += 1
            } else if byte == ASCII.cr {
                guard index + 1 < count else { break }
                guard buffer[index + 1] == ASCII.lf else { return decide(.other) }
                index += 2
            } else {
                break
            }
            if index >= maxRequestLineLength { return decide(.other) }
        }
        state = .start(lineStart: index)
        // Only a method may follow empty lines.
        guard index < count, buffer[index] != ASCII.cr else { return .needMoreBytes }
        guard Self.dispatch(buffer[index]) == .methodLetter else { return decide(.other) }
        return classifyMethod(buffer, lineStart: index)
    }

    private mutating func classifyMethod(_ buffer: UnsafeRawBufferPointer, lineStart: Int) -> ProtocolClassification {
        // `P` is also the first byte of the HTTP/2 preface (`PRI` is no method here).
        var mayBePreface = false
        if lineStart == 0 && buffer[0] == ASCII.upperP {
            switch matchPrefix(Self.http2Preface, in: buffer, at: 0) {
            case .whole: return decide(.http2)
            case .prefix: mayBePreface = true
            case .mismatch: break
            }
        }
        switch MethodTokens.match(buffer, from: lineStart) {
        case .method(let length):
            let targetStart = lineStart + length + 1
            return scanTarget(buffer, targetStart: targetStart, from: targetStart)
        case .prefix:
            return .needMoreBytes
        case .none:
            return mayBePreface ? .needMoreBytes : decide(.other)
        }
    }

    // MARK: Request line

    /// Scans target bytes from `from` up to the SP that ends the target, 8 bytes at a time.
    private mutating func scanTarget(_ buffer: UnsafeRawBufferPointer, targetStart: Int, from: Int) -> ProtocolClassification {
        // The bound, but at least one target byte: empty lines may have brought the target's
        // start to the bound.
        let limit = max(maxRequestLineLength, targetStart + 1)
        let end = min(buffer.count, limit)
        var index = from
        while index + 8 <= end {
            let word = SWAR.load(buffer, index)
            // Bytes <= SP or DEL end the run (SP) or the hope (the rest).
            if SWAR.hasByte(below: ASCII.space + 1, in: word) || SWAR.hasByte(0x7F, in: word) { break }
            index += 8
        }
        while index < end {
            let byte = buffer[index]
            if byte == ASCII.space {
                // An empty target (two SPs) is no request line.
                guard index > targetStart else { return decide(.other) }
                return matchVersion(buffer, at: index)
            }
            if byte < ASCII.space || byte == 0x7F { return decide(.other) }
            index += 1
        }
        // At the bound with nothing but target bytes seen: see note 2.
        if index >= limit { return decide(.http) }
        state = .target(targetStart: targetStart, scanned: index)
        return .needMoreBytes
    }

    private mutating func matchVersion(_ buffer: UnsafeRawBufferPointer, at start: Int) -> ProtocolClassification {
        switch matchPrefix(Self.versionPrefix, in: buffer, at: start) {
        case .whole: return decide(.http)
        case .mismatch: return decide(.other)
        case .prefix:
            state = .version(at: start)
            return .needMoreBytes
        }
    }

    // MARK: TLS

    /// The record header and the handshake type of a ClientHello (RFC 8446 §5.1, §4).
    private mutating func classifyTLS(_ buffer: UnsafeRawBufferPointer) -> ProtocolClassification {
        let count = buffer.count
        // Byte 0 is 0x16 (the dispatch table said so). Bytes 1-2: legacy_record_version.
        if count > 1, buffer[1] != 0x03 { return decide(.other) }
        if count > 2, buffer[2] > 0x04 { return decide(.other) }
        // Bytes 3-4: the fragment length.
        if count > 4 {
            let length = TLSRecord.uint16(buffer, at: 3)
            if length == 0 || length > TLSRecord.maxFragmentLength { return decide(.other) }
        }
        // Byte 5: HandshakeType.
        guard count > 5 else { return .needMoreBytes }
        guard buffer[5] == TLSRecord.clientHelloType else { return decide(.other) }
        return decide(.tls(TLSProtocolVersion(major: buffer[1], minor: buffer[2])))
    }

    // MARK: Helpers

    private enum PrefixMatch {
        case whole, prefix, mismatch
    }

    /// Whether the bytes from `start` hold `literal` (`.whole`), a proper prefix of it, or
    /// differ from it.
    @inline(__always)
    private func matchPrefix(_ literal: StaticString, in buffer: UnsafeRawBufferPointer, at start: Int) -> PrefixMatch {
        let length = literal.utf8CodeUnitCount
        let compared = min(buffer.count - start, length)
        let bytes = literal.utf8Start
        var index = 0
        while index < compared {
            if buffer[start + index] != bytes[index] { return .mismatch }
            index += 1
        }
        return compared == length ? .whole : .prefix
    }

    /// The first-byte dispatch: which outcomes a connection's first byte (or the first byte
    /// after empty lines) leaves open.
    enum FirstByte: UInt8 {
        /// No outcome but `.other`.
        case other = 0
        /// `A`-`Z` letters some registered method starts with (and `P`, the preface's).
        case methodLetter = 1
        /// 0x16, `ContentType.handshake`.
        case tlsHandshake = 2
        /// CR or LF: an empty line before a request line.
        case lineEnd = 3
    }

    @inline(__always)
    static func dispatch(_ byte: UInt8) -> FirstByte {
        FirstByte(rawValue: firstByte[Int(byte)]) ?? .other
    }

    /// `FirstByte` raw values for each byte. A literal, laid out in static memory;
    /// `ProtocolClassifierTests` checks it against `MethodTokens.all`.
    static let firstByte: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 3, 0, 0,  // 0x00-0x0F: LF, CR
        0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x10-0x1F: 0x16 handshake
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x20-0x2F
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x30-0x3F
        0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1,  // 0x40-0x4F: A B C D G H L M O
        1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x50-0x5F: P Q R S T U V
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x60-0x6F: lowercase is never a method
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x70-0x7F
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x80-0x8F
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x90-0x9F
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0xA0-0xAF
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0xB0-0xBF
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0xC0-0xCF
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0xD0-0xDF
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0xE0-0xEF
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0xF0-0xFF
    ]
}

@available(*, unavailable)
extension ProtocolClassifier: Sendable {}
