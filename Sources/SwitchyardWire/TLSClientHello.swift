/// What `ssl_preread` learns from a ClientHello: the values of nginx's
/// `$ssl_preread_server_name`, `$ssl_preread_alpn_protocols` and `$ssl_preread_protocol`.
public struct ClientHelloInfo: Hashable, Sendable {
    /// The first `host_name` of the `server_name` extension (RFC 6066 §3), validated and
    /// lowercased (`TLSServerName`); nil without the extension.
    public var serverName: String?
    /// The `application_layer_protocol_negotiation` names in the client's order (RFC 7301
    /// §3.1), as sent (invalid UTF-8 repaired); empty without the extension.
    public var alpn: [String]
    /// The highest version the client offers: the highest known one in `supported_versions`
    /// (RFC 8446 §4.2.1: when present, it alone says which versions the client speaks), else
    /// `legacy_version`. GREASE values are ignored.
    public var version: TLSProtocolVersion
    /// The ClientHello's `legacy_version` (`client_version` before TLS 1.3).
    public var legacyVersion: TLSProtocolVersion

    public init(serverName: String?, alpn: [String], version: TLSProtocolVersion, legacyVersion: TLSProtocolVersion) {
        self.serverName = serverName
        self.alpn = alpn
        self.version = version
        self.legacyVersion = legacyVersion
    }

    /// `$ssl_preread_protocol`: `TLSv1.3`, `TLSv1.2`, `TLSv1.1`, `TLSv1` or `SSLv3`; empty
    /// for a version nginx has no name for.
    public var protocolVersion: String { version.name }

    /// `$ssl_preread_alpn_protocols`: the ALPN names joined by commas (`h2,http/1.1`).
    public var alpnProtocols: String { alpn.joined(separator: ",") }
}

/// What the ClientHello parser says about the bytes it has seen so far.
public enum TLSClientHelloParseResult: Hashable, Sendable {
    /// The ClientHello is not complete yet; peek again when more bytes have arrived.
    case needMoreBytes
    /// The whole ClientHello was read.
    case complete(ClientHelloInfo)
    /// Not a ClientHello, or a malformed one: the connection should be closed (nginx's preread
    /// fails the session the same way).
    case invalid(TLSClientHelloError)
}

/// The parts of a ClientHello that carry a length, named in `TLSClientHelloError.malformed`.
public enum ClientHelloField: Hashable, Sendable {
    /// The fixed part (`legacy_version`, `random`) does not fit in the message.
    case fixedPart
    /// `legacy_session_id<0..32>`.
    case sessionID
    /// `cipher_suites<2..2^16-2>`.
    case cipherSuites
    /// `legacy_compression_methods<1..2^8-1>`.
    case compressionMethods
    /// `extensions<0..2^16-1>`, which must end where the message ends.
    case extensions
    /// One extension's `extension_data`.
    case extensionData
    /// `server_name_list<1..2^16-1>`.
    case serverNameList
    /// One `ServerName` entry.
    case serverName
    /// `protocol_name_list<2..2^16-1>`.
    case protocolNameList
    /// One `ProtocolName<1..2^8-1>`.
    case protocolName
    /// `supported_versions`' `versions<2..254>`.
    case supportedVersions
}

/// Why bytes were refused as a ClientHello.
public enum TLSClientHelloError: Error, Hashable, Sendable {
    /// A record's content type is not 22 (handshake): not TLS, an SSLv2-compatible hello, or
    /// another record interleaved with the ClientHello's (RFC 8446 §5.1 forbids it).
    case notHandshakeRecord
    /// A record's `legacy_record_version` major is not 3.
    case unsupportedRecordVersion
    /// A record's length is 0 or above 2^14 + 2048.
    case invalidRecordLength
    /// The handshake message is not a ClientHello (type 1).
    case notClientHello
    /// `legacy_version`'s major is not 3.
    case unsupportedClientVersion
    /// The records holding the ClientHello would not fit in `maxLength` bytes.
    case tooLarge
    /// A length that overruns its container, leaves bytes over where its container must be
    /// filled, or breaks a bound of the RFC's vector.
    case malformed(ClientHelloField)
    /// An extension this parser reads appears twice (RFC 8446 §4.2 forbids it), or the
    /// `server_name` list holds two `host_name`s (RFC 6066 §3).
    case duplicateExtension(UInt16)
    /// A `host_name` that is not a valid host name (see `TLSServerName`).
    case invalidServerName

    /// A short reason for the error log ("... while prereading client hello").
    public var reason: String {
        switch self {
        case .notHandshakeRecord: "record is not a handshake"
        case .unsupportedRecordVersion: "unsupported record version"
        case .invalidRecordLength: "invalid record length"
        case .notClientHello: "handshake is not a client hello"
        case .unsupportedClientVersion: "unsupported client hello version"
        case .tooLarge: "client hello too large"
        case .malformed(let field): "invalid \(field) length in client hello"
        case .duplicateExtension(let type): "duplicate extension \(type) in client hello"
        case .invalidServerName: "invalid server name in client hello"
        }
    }
}

/// A resumable ClientHello parser for `ssl_preread` (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2,
/// RFC 6066 §3, RFC 7301 §3.1).
///
///     struct {
///         ProtocolVersion legacy_version;
///         Random random;                                /* 32 bytes */
///         opaque legacy_session_id<0..32>;
///         CipherSuite cipher_suites<2..2^16-2>;
///         opaque legacy_compression_methods<1..2^8-1>;
///         Extension extensions<8..2^16-1>;              /* absent in some TLS 1.2 hellos */
///     } ClientHello;
///     struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
///
/// Call `parse` with the whole peeked prefix each time more bytes have arrived; the buffer
/// must start at the connection's first byte every time. The ClientHello may be fragmented
/// over several records and the records over several TCP segments. The parser walks each
/// record header once, as it arrives, refusing a non-handshake record, a bad version or
/// length, a non-ClientHello or an oversized message as soon as the bytes show it. When the
/// records hold the whole message it reads the message once, through the record fragments in
/// place: nothing is copied or reassembled, and the only allocations are the results (the
/// server name and the ALPN strings).
///
/// Choices:
/// - `maxLength` bounds the records that hold the ClientHello (headers included); it is the
///   peek buffer the caller needs (nginx's `preread_buffer_size`, 16 KiB by default). A large
///   post-quantum hello (an X25519MLKEM768 key share) is about 1.8 KB.
/// - The three extensions read here must appear at most once, and each must fill its
///   `extension_data` exactly; other extensions are skipped unread. An empty `server_name`
///   list, an empty `host_name`, an empty ALPN list or name are malformed (their vectors'
///   lower bounds are 1), as OpenSSL judges them.
/// - Bytes after the ClientHello (in its last record or later records) are not looked at.
public struct TLSClientHelloParser {
    public static let defaultMaxLength = 16384

    public let maxLength: Int
    /// Buffer offset of the first record header not yet walked.
    private var nextRecord = 0
    /// Fragment bytes of the records walked: how much of the handshake stream is present.
    private var handshakeBytes = 0
    /// The handshake message's length, its 4-byte header included, once read.
    private var messageLength: Int?
    private var verdict: TLSClientHelloParseResult?

    private static let extensionServerName: UInt16 = 0
    private static let extensionALPN: UInt16 = 16
    private static let extensionSupportedVersions: UInt16 = 43

    public init(maxLength: Int = TLSClientHelloParser.defaultMaxLength) {
        precondition(maxLength >= 64, "too small for any ClientHello")
        self.maxLength = maxLength
    }

    /// Forgets what was seen, for a new connection.
    public mutating func reset() {
        self = TLSClientHelloParser(maxLength: maxLength)
    }

    public mutating func parse(_ buffer: UnsafeRawBufferPointer) -> TLSClientHelloParseResult {
        if let verdict { return verdict }
        let count = buffer.count
        while true {
            let header = nextRecord
            // Each header byte is judged as soon as it is there.
            if header < count, buffer[header] != TLSRecord.handshakeType { return finish(.invalid(.notHandshakeRecord)) }
            if header + 1 < count, buffer[header + 1] != 0x03 { return finish(.invalid(.unsupportedRecordVersion)) }
            guard header + TLSRecord.headerLength <= count else { return .needMoreBytes }
            let length = TLSRecord.uint16(buffer, at: header + 3)
            guard length > 0, length <= TLSRecord.maxFragmentLength else { return finish(.invalid(.invalidRecordLength)) }
            let fragment = header + TLSRecord.headerLength
            if handshakeBytes == 0, fragment < count, buffer[fragment] != TLSRecord.clientHelloType {
                return finish(.invalid(.notClientHello))
            }
            // The usual case: the handshake header is in the first record; judge its length
            // before the rest of the record arrives.
            if handshakeBytes == 0, length >= 4, fragment + 4 <= count {
                let message = 4 + (Int(buffer[fragment + 1]) << 16 | TLSRecord.uint16(buffer, at: fragment + 2))
                guard TLSRecord.headerLength + message <= maxLength else { return finish(.invalid(.tooLarge)) }
            }
            // This record is needed (the message is not complete yet), so it must fit.
            guard fragment + length <= maxLength else { return finish(.invalid(.tooLarge)) }
            guard fragment + length <= count else { return .needMoreBytes }
            nextRecord = fragment + length
            handshakeBytes += length

            if messageLength == nil, handshakeBytes >= 4 {
                var reader = HandshakeReader(buffer)
                guard reader.uint8() == TLSRecord.clientHelloType else { return finish(.invalid(.notClientHello)) }
                let message = 4 + reader.uint24()
                // One record header at least comes with it.
                guard TLSRecord.headerLength + message <= maxLength else { return finish(.invalid(.tooLarge)) }
                messageLength = message
            }
            if let messageLength, handshakeBytes >= messageLength {
                return finish(Self.parseMessage(buffer, length: messageLength))
            }
        }
    }

    private mutating func finish(_ result: TLSClientHelloParseResult) -> TLSClientHelloParseResult {
        verdict = result
        return result
    }

    /// Reads the whole message; the records walked hold all `length` bytes of it.
    private static func parseMessage(_ buffer: UnsafeRawBufferPointer, length end: Int) -> TLSClientHelloParseResult {
        var reader = HandshakeReader(buffer)
        reader.skip(4)
        guard reader.has(2 + 32, before: end) else { return .invalid(.malformed(.fixedPart)) }
        let legacyVersion = TLSProtocolVersion(rawValue: UInt16(reader.uint16()))
        guard legacyVersion.major == 3 else { return .invalid(.unsupportedClientVersion) }
        reader.skip(32)

        guard reader.has(1, before: end) else { return .invalid(.malformed(.sessionID)) }
        let sessionIDLength = reader.uint8()
        guard sessionIDLength <= 32, reader.has(sessionIDLength, before: end) else { return .invalid(.malformed(.sessionID)) }
        reader.skip(sessionIDLength)

        guard reader.has(2, before: end) else { return .invalid(.malformed(.cipherSuites)) }
        let cipherSuitesLength = reader.uint16()
        guard cipherSuitesLength >= 2, cipherSuitesLength % 2 == 0, reader.has(cipherSuitesLength, before: end) else {
            return .invalid(.malformed(.cipherSuites))
        }
        reader.skip(cipherSuitesLength)

        guard reader.has(1, before: end) else { return .invalid(.malformed(.compressionMethods)) }
        let compressionLength = reader.uint8()
        guard compressionLength >= 1, reader.has(compressionLength, before: end) else {
            return .invalid(.malformed(.compressionMethods))
        }
        reader.skip(compressionLength)

        var info = ClientHelloInfo(serverName: nil, alpn: [], version: legacyVersion, legacyVersion: legacyVersion)
        // TLS 1.2 and earlier may end the message here (RFC 5246 §7.4.1.2).
        if reader.offset == end { return .complete(info) }
        guard reader.has(2, before: end) else { return .invalid(.malformed(.extensions)) }
        let extensionsLength = reader.uint16()
        guard reader.offset + extensionsLength == end else { return .invalid(.malformed(.extensions)) }

        var sawServerName = false
        var sawALPN = false
        var sawSupportedVersions = false
        while reader.offset < end {
            guard reader.has(4, before: end) else { return .invalid(.malformed(.extensionData)) }
            let type = UInt16(reader.uint16())
            let dataLength = reader.uint16()
            guard reader.has(dataLength, before: end) else { return .invalid(.malformed(.extensionData)) }
            let dataEnd = reader.offset + dataLength
            let failure: TLSClientHelloError?
            switch type {
            case extensionServerName:
                guard !sawServerName else { return .invalid(.duplicateExtension(type)) }
                sawServerName = true
                failure = readServerName(&reader, end: dataEnd, into: &info)
            case extensionALPN:
                guard !sawALPN else { return .invalid(.duplicateExtension(type)) }
                sawALPN = true
                failure = readALPN(&reader, end: dataEnd, into: &info)
            case extensionSupportedVersions:
                guard !sawSupportedVersions else { return .invalid(.duplicateExtension(type)) }
                sawSupportedVersions = true
                failure = readSupportedVersions(&reader, end: dataEnd, into: &info)
            default:
                reader.skip(dataLength)
                failure = nil
            }
            if let failure { return .invalid(failure) }
        }
        return .complete(info)
    }

    /// `server_name` (RFC 6066 §3):
    ///
    ///     struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
    ///     enum { host_name(0), (255) } NameType;
    ///     struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
    ///
    /// Entries of other name types (none is defined) are skipped, taking their length as
    /// `HostName`'s, as every implementation does.
    private static func readServerName(_ reader: inout HandshakeReader, end: Int, into info: inout ClientHelloInfo) -> TLSClientHelloError? {
        guard reader.has(2, before: end) else { return .malformed(.serverNameList) }
        let listLength = reader.uint16()
        guard listLength >= 1, reader.offset + listLength == end else { return .malformed(.serverNameList) }
        while reader.offset < end {
            guard reader.has(3, before: end) else { return .malformed(.serverName) }
            let nameType = reader.uint8()
            let nameLength = reader.uint16()
            guard nameLength >= 1, reader.has(nameLength, before: end) else { return .malformed(.serverName) }
            guard nameType == 0 else {
                reader.skip(nameLength)
                continue
            }
            guard info.serverName == nil else { return .duplicateExtension(extensionServerName) }
            guard let name = TLSServerName.validated(reader.bytes(nameLength)) else { return .invalidServerName }
            info.serverName = name
        }
        return nil
    }

    /// `application_layer_protocol_negotiation` (RFC 7301 §3.1):
    ///
    ///     opaque ProtocolName<1..2^8-1>;
    ///     struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
    private static func readALPN(_ reader: inout HandshakeReader, end: Int, into info: inout ClientHelloInfo) -> TLSClientHelloError? {
        guard reader.has(2, before: end) else { return .malformed(.protocolNameList) }
        let listLength = reader.uint16()
        guard listLength >= 2, reader.offset + listLength == end else { return .malformed(.protocolNameList) }
        while reader.offset < end {
            let nameLength = reader.uint8()  // offset < end: the byte is there
            guard nameLength >= 1, reader.has(nameLength, before: end) else { return .malformed(.protocolName) }
            info.alpn.append(String(decoding: reader.bytes(nameLength), as: UTF8.self))
        }
        return nil
    }

    /// `supported_versions` in a ClientHello (RFC 8446 §4.2.1):
    ///
    ///     struct { ProtocolVersion versions<2..254>; } SupportedVersions;
    private static func readSupportedVersions(_ reader: inout HandshakeReader, end: Int, into info: inout ClientHelloInfo) -> TLSClientHelloError? {
        guard reader.has(1, before: end) else { return .malformed(.supportedVersions) }
        let listLength = reader.uint8()
        guard listLength >= 2, listLength % 2 == 0, reader.offset + listLength == end else { return .malformed(.supportedVersions) }
        var highest: TLSProtocolVersion?
        while reader.offset < end {
            let version = TLSProtocolVersion(rawValue: UInt16(reader.uint16()))
            if version.isKnown, highest.map({ version > $0 }) ?? true { highest = version }
        }
        if let highest { info.version = highest }
        return nil
    }
}

@available(*, unavailable)
extension TLSClientHelloParser: Sendable {}

/// Reads a handshake message that may be fragmented over consecutive records, in place: a
/// forward cursor over the fragments that steps over each record header it meets.
///
/// The records must already be walked and validated, and the reads must stay within the
/// handshake bytes they hold; the parser checks every length against `has(_:before:)` before
/// it reads.
struct HandshakeReader {
    private let buffer: UnsafeRawBufferPointer
    /// Buffer offset of the next byte.
    private var position: Int
    /// Buffer offset one past the current record's fragment.
    private var fragmentEnd: Int
    /// Offset of the next byte in the handshake stream (the fragments joined).
    private(set) var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        self.position = TLSRecord.headerLength
        self.fragmentEnd = TLSRecord.headerLength + TLSRecord.uint16(buffer, at: 3)
    }

    /// Whether `count` more bytes lie before the handshake-stream offset `end`.
    @inline(__always)
    func has(_ count: Int, before end: Int) -> Bool {
        offset + count <= end
    }

    /// Moves to the next record's fragment when the current one is used up.
    @inline(__always)
    private mutating func enterFragment() {
        while position == fragmentEnd {
            let header = fragmentEnd
            position = header + TLSRecord.headerLength
            fragmentEnd = position + TLSRecord.uint16(buffer, at: header + 3)
        }
    }

    mutating func uint8() -> Int {
        enterFragment()
        let byte = buffer[position]
        position += 1
        offset += 1
        return Int(byte)
    }

    mutating func uint16() -> Int {
        uint8() << 8 | uint8()
    }

    mutating func uint24() -> Int {
        uint8() << 16 | uint8() << 8 | uint8()
    }

    mutating func skip(_ count: Int) {
        var left = count
        while left > 0 {
            enterFragment()
            let step = min(left, fragmentEnd - position)
            position += step
            offset += step
            left -= step
        }
    }

    /// `count` bytes, copied (for the few that become `String`s).
    mutating func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(UInt8(uint8())) }
        return result
    }
}
