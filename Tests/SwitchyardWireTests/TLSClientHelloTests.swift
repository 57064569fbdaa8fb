import Testing

@testable import SwitchyardWire

struct TLSClientHelloTests {
    /// One-shot parse.
    func parse(_ bytes: [UInt8], maxLength: Int = TLSClientHelloParser.defaultMaxLength) -> TLSClientHelloParseResult {
        var parser = TLSClientHelloParser(maxLength: maxLength)
        return bytes.withUnsafeBytes { parser.parse($0) }
    }

    func info(_ result: TLSClientHelloParseResult) -> ClientHelloInfo? {
        if case .complete(let info) = result { return info }
        return nil
    }

    /// Feeds every prefix of `bytes` to one parser, as successive peeks would, and checks each
    /// answer is `.needMoreBytes` until the last, which it returns. A fresh parser on each
    /// prefix must agree (re-running from scratch is equivalent).
    func parseByteByByte(_ bytes: [UInt8]) -> TLSClientHelloParseResult {
        var parser = TLSClientHelloParser()
        for end in 0..<bytes.count {
            let prefix = Array(bytes[..<end])
            let resumed = prefix.withUnsafeBytes { parser.parse($0) }
            #expect(resumed == .needMoreBytes, "prefix of \(end) bytes")
            if resumed != .needMoreBytes { return resumed }
            #expect(parse(prefix) == .needMoreBytes, "fresh parser, prefix of \(end) bytes")
        }
        let result = bytes.withUnsafeBytes { parser.parse($0) }
        #expect(parse(bytes) == result)
        return result
    }

    // MARK: Fixtures

    /// A ClientHello captured from `openssl s_client -connect 127.0.0.1:PORT -servername
    /// example.com -alpn h2,http/1.1` (OpenSSL 3.0.19) by a listener that recorded the first
    /// bytes. One record: `16 03 01 01 4a` (handshake, TLS 1.0 record version, 330 bytes), then
    /// `01 00 01 46` (ClientHello, 326 bytes), `03 03` legacy_version TLS 1.2, 32 random bytes,
    /// a 32-byte session id (TLS 1.3 middlebox compatibility), 31 cipher suites, null
    /// compression, and eleven extensions: server_name `example.com`, ec_point_formats,
    /// supported_groups, session_ticket, ALPN `h2` `http/1.1`, encrypt_then_mac,
    /// extended_master_secret, signature_algorithms, supported_versions (TLS 1.3 down to
    /// TLS 1.0), psk_key_exchange_modes and an x25519 key_share.
    static let openSSLHello = hex("""
        160301014a0100014603036fd89c9f91ec7dbc5dceb7fdd7e3dd9332809dbf4c93e614c4646523982faf3020\
        b91ad2cddc43d34ecffc3421b6f4f57014a5bce2cd10a973ad4b1f8ce0b667c5003e130213031301c02cc030\
        009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d\
        003c0035002f00ff010000bf00000010000e00000b6578616d706c652e636f6d000b000403000102000a0016\
        0014001d0017001e0019001801000101010201030104002300000010000e000c02683208687474702f312e31\
        0016000000170000000d002a0028040305030603080708080809080a080b0804080508060401050106010303\
        03010302040205020602002b0009080304030303020301002d00020101003300260024001d00202be18f61b0\
        146d4d606d8c91ac8699fe553f2e9055b06a77f07a48fb095b897f
        """)

    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8).filter { $0 != 0x20 && $0 != 0x0A }
        return stride(from: 0, to: digits.count - 1, by: 2).map { index in
            UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16)!
        }
    }

    // MARK: What is read

    /// A browser-shaped TLS 1.3 hello (GREASE cipher suites, extensions and versions, a
    /// session id, sixteen extensions) gives nginx's three variables.
    @Test func readsBrowserHello() {
        let result = parse(ClientHelloBuilder.browser.record)
        let hello = info(result)
        #expect(hello?.serverName == "example.com")
        #expect(hello?.alpn == ["h2", "http/1.1"])
        #expect(hello?.alpnProtocols == "h2,http/1.1")
        #expect(hello?.protocolVersion == "TLSv1.3")
        #expect(hello?.legacyVersion == .tls1_2)
    }

    /// The ClientHello OpenSSL's s_client really sends is read as nginx reads it.
    @Test func readsCapturedOpenSSLHello() throws {
        let bytes = try #require(Self.openSSLHello.count == 335 ? Self.openSSLHello : nil)
        let hello = try #require(info(parse(bytes)))
        #expect(hello.serverName == "example.com")
        #expect(hello.alpnProtocols == "h2,http/1.1")
        #expect(hello.protocolVersion == "TLSv1.3")
        #expect(parseByteByByte(bytes) == .complete(hello))
    }

    /// A TLS 1.2 hello without SNI, ALPN or supported_versions: no name, no protocols, the
    /// legacy version.
    @Test func helloWithoutSNI() {
        var builder = ClientHelloBuilder()
        builder.extensions = [.raw(23, []), .raw(0xFF01, [0])]  // extended_master_secret, renegotiation_info
        let hello = info(parse(builder.record))
        #expect(hello?.serverName == nil)
        #expect(hello?.alpn == [])
        #expect(hello?.alpnProtocols == "")
        #expect(hello?.protocolVersion == "TLSv1.2")
    }

    /// A hello that ends after its compression methods (allowed before TLS 1.3) is complete.
    @Test func helloWithoutExtensionsBlock() {
        var builder = ClientHelloBuilder()
        builder.legacyVersion = 0x0301
        builder.extensions = nil
        #expect(parse(builder.record) == .complete(ClientHelloInfo(serverName: nil, alpn: [], version: .tls1_0, legacyVersion: .tls1_0)))
    }

    /// `$ssl_preread_protocol` is the highest known version offered: supported_versions when
    /// present (GREASE and unknown values ignored), else legacy_version.
    @Test(arguments: [
        (UInt16(0x0300), [UInt16]?.none, "SSLv3"),
        (0x0301, nil, "TLSv1"),
        (0x0302, nil, "TLSv1.1"),
        (0x0303, nil, "TLSv1.2"),
        (0x0303, [0x0304], "TLSv1.3"),
        (0x0303, [0x0303, 0x0304, 0x0302], "TLSv1.3"),  // order does not matter
        (0x0303, [0x0A0A, 0x0303], "TLSv1.2"),  // GREASE ignored
        (0x0303, [0x0A0A, 0x7F1C], "TLSv1.2"),  // nothing known: legacy_version
        (0x0305, nil, ""),  // a version nginx has no name for
    ])
    func protocolVersion(legacy: UInt16, supported: [UInt16]?, expected: String) {
        var builder = ClientHelloBuilder()
        builder.legacyVersion = legacy
        builder.extensions = supported.map { [.supportedVersions($0)] } ?? []
        #expect(info(parse(builder.record))?.protocolVersion == expected)
    }

    /// The host name is lowercased, loses one trailing dot, and may hold `_`; the first
    /// host_name is taken and entries of other name types are skipped.
    @Test func serverNameNormalised() {
        var builder = ClientHelloBuilder()
        builder.extensions = [.sni("WWW.Example.COM.")]
        #expect(info(parse(builder.record))?.serverName == "www.example.com")
        builder.extensions = [.sni("my_service.internal")]
        #expect(info(parse(builder.record))?.serverName == "my_service.internal")
        // name_type 7 (undefined) before the host_name.
        builder.extensions = [.serverName([(type: UInt8(7), name: [1, 2, 3]), (type: UInt8(0), name: Array("a.example".utf8))])]
        #expect(info(parse(builder.record))?.serverName == "a.example")
    }

    // MARK: Segments and records

    /// A browser hello arriving one byte at a time is `.needMoreBytes` at every prefix and
    /// complete with the last byte.
    @Test func everyByteBoundary() {
        let bytes = ClientHelloBuilder.browser.record
        let expected = parse(bytes)
        #expect(info(expected) != nil)
        #expect(parseByteByByte(bytes) == expected)
    }

    /// A hello fragmented over two records, at every split point of the handshake message,
    /// reads the same; for each split, peeks of every length are `.needMoreBytes` until the
    /// end.
    @Test func fragmentedOverTwoRecordsAtEverySplit() {
        let handshake = ClientHelloBuilder.compact.handshake
        let expected = parse(ClientHelloBuilder.compact.record)
        #expect(info(expected)?.serverName == "example.com")
        for split in 1..<handshake.count {
            let bytes = ClientHelloBuilder.records(handshake, fragments: [split, handshake.count - split])
            #expect(parseByteByByte(bytes) == expected, "split after \(split) bytes")
        }
    }

    /// A hello sent one byte per record (the record layer allows it) is reassembled in place.
    @Test func oneBytePerRecord() {
        let handshake = ClientHelloBuilder.browser.handshake
        let bytes = ClientHelloBuilder.records(handshake, fragments: [Int](repeating: 1, count: handshake.count))
        #expect(bytes.count == handshake.count * 6)
        #expect(info(parse(bytes)) == info(parse(ClientHelloBuilder.browser.record)))
    }

    /// A post-quantum hello (> 1,500 bytes, so two TCP segments on the wire) is read across
    /// segments, and across records split where a 1,400-byte segment would end.
    @Test func largePostQuantumHello() {
        let builder = ClientHelloBuilder.postQuantum
        #expect(builder.record.count > 1500)
        let hello = info(parseByteByByte(builder.record))
        #expect(hello?.serverName == "example.com")
        #expect(hello?.protocolVersion == "TLSv1.3")
        let records = ClientHelloBuilder.records(builder.handshake, fragments: [1400, 1400])
        #expect(info(parse(records)) == hello)
        // Two segments, as the kernel would deliver them.
        var parser = TLSClientHelloParser()
        #expect(Array(records.prefix(1448)).withUnsafeBytes { parser.parse($0) } == .needMoreBytes)
        #expect(records.withUnsafeBytes { parser.parse($0) } == .complete(hello!))
    }

    /// Bytes after the hello (a ChangeCipherSpec and early data in TLS 1.3) are not looked at.
    @Test func bytesAfterTheHelloIgnored() {
        let bytes = ClientHelloBuilder.compact.record
            + ClientHelloBuilder.recordHeader(type: 20, length: 1) + [1]  // change_cipher_spec
            + ClientHelloBuilder.recordHeader(type: 23, length: 3) + [9, 9, 9]  // application_data
        #expect(info(parse(bytes))?.serverName == "example.com")
    }

    // MARK: Refusals

    /// Making any length field of the ClientHello claim one byte more than its container
    /// holds is refused, naming that field.
    @Test func everyLengthFieldOverrun() throws {
        let writer = ClientHelloBuilder.compact.writer()
        var checked = 0
        for (index, field) in writer.fields.enumerated() {
            guard let name = field.field, let parent = field.parent else { continue }
            let room = writer.fields[parent].contentEnd - field.contentStart
            try #require(room + 1 < 1 << (8 * field.width), "\(field.name) must be able to overrun")
            let handshake = writer.withLength(index, room + 1)
            let result = parse(ClientHelloBuilder.records(handshake, fragments: [handshake.count]))
            #expect(result == .invalid(.malformed(name)), "\(field.name)")
            checked += 1
        }
        #expect(checked == 14)  // 4 top-level vectors, 4 extensions, 6 vectors inside three of them
    }

    /// Making a vector that must fill its container exactly one byte short (the extensions
    /// block, and the lists inside server_name, ALPN and supported_versions) is refused.
    @Test func everyExactLengthUnderrun() {
        let writer = ClientHelloBuilder.compact.writer()
        let exact: Set<String> = ["extensions", "server_name_list", "protocol_name_list", "versions"]
        var checked = 0
        for (index, field) in writer.fields.enumerated() where exact.contains(field.name) {
            let handshake = writer.withLength(index, field.contentEnd - field.contentStart - 1)
            let result = parse(ClientHelloBuilder.records(handshake, fragments: [handshake.count]))
            #expect(info(result) == nil && result != .needMoreBytes, "\(field.name)")
            checked += 1
        }
        #expect(checked == 4)
    }

    /// The handshake length is the record layer's to satisfy: one more byte than sent waits for
    /// another record, one fewer leaves the extensions overrunning the message.
    @Test func handshakeLengthOffByOne() {
        let writer = ClientHelloBuilder.compact.writer()
        let length = writer.fields[0].contentEnd - writer.fields[0].contentStart
        let longer = writer.withLength(0, length + 1)
        #expect(parse(ClientHelloBuilder.records(longer, fragments: [longer.count])) == .needMoreBytes)
        let shorter = writer.withLength(0, length - 1)
        #expect(parse(ClientHelloBuilder.records(shorter, fragments: [shorter.count])) == .invalid(.malformed(.extensions)))
    }

    /// Record lengths of 0 and above 2^14 + 2048 are refused as soon as the header is there; a
    /// record longer than what has arrived waits.
    @Test func recordLengths() {
        // handshake record, TLS 1.0, length 0, then a ClientHello type byte
        #expect(parse([0x16, 0x03, 0x01, 0x00, 0x00, 0x01]) == .invalid(.invalidRecordLength))
        // length 0x4801 = 2^14 + 2048 + 1
        #expect(parse([0x16, 0x03, 0x01, 0x48, 0x01]) == .invalid(.invalidRecordLength))
        // length 0x4800, the largest accepted, but more than the default 16 KiB bound
        #expect(parse([0x16, 0x03, 0x01, 0x48, 0x00, 0x01]) == .invalid(.tooLarge))
        // the compact hello's record claiming one byte more than it holds
        var bytes = ClientHelloBuilder.compact.record
        bytes[4] += 1
        #expect(parse(bytes) == .needMoreBytes)
    }

    /// A handshake message larger than `maxLength` is refused once its length is known,
    /// without waiting for its bytes.
    @Test func tooLarge() {
        // record of 9 bytes: ClientHello, 24-bit length 0xFFFFFF, first bytes of the body
        let header: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x09, 0x01, 0xFF, 0xFF, 0xFF]
        #expect(parse(header) == .invalid(.tooLarge))
        let postQuantum = ClientHelloBuilder.postQuantum.record
        #expect(parse(postQuantum, maxLength: 1024) == .invalid(.tooLarge))
        #expect(info(parse(postQuantum, maxLength: postQuantum.count)) != nil)
        #expect(parse(postQuantum, maxLength: postQuantum.count - 1) == .invalid(.tooLarge))
    }

    /// Bytes that are not a TLS handshake record are refused at the first byte that shows it.
    @Test(arguments: [
        ("an HTTP request", [UInt8]("GET / HTTP/1.1\r\n".utf8), TLSClientHelloError.notHandshakeRecord),
        ("an alert record", [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28], .notHandshakeRecord),
        ("an SSLv2-compatible hello", [0x80, 0x2E, 0x01, 0x03, 0x01], .notHandshakeRecord),
        ("record version 2.0", [0x16, 0x02], .unsupportedRecordVersion),
        ("a ServerHello (handshake type 2)", [0x16, 0x03, 0x03, 0x00, 0x30, 0x02], .notClientHello),
        ("legacy_version 2.0", [0x16, 0x03, 0x01, 0x00, 0x26, 0x01, 0x00, 0x00, 0x22, 0x02, 0x00] + [UInt8](repeating: 0, count: 32), .unsupportedClientVersion),
    ])
    func refusesNonClientHello(what: String, bytes: [UInt8], error: TLSClientHelloError) {
        #expect(parse(bytes) == .invalid(error), "\(what)")
    }

    /// A record of another type between the ClientHello's fragments is refused (RFC 8446 §5.1:
    /// handshake messages are not interleaved with other records).
    @Test func interleavedRecordRefused() {
        let handshake = ClientHelloBuilder.compact.handshake
        let first = ClientHelloBuilder.records(Array(handshake[..<20]), fragments: [20])
        let rest = ClientHelloBuilder.records(Array(handshake[20...]), fragments: [handshake.count - 20])
        let bytes = first + ClientHelloBuilder.recordHeader(type: 20, length: 1) + [1] + rest  // change_cipher_spec
        #expect(parse(bytes) == .invalid(.notHandshakeRecord))
    }

    /// Host names with bytes a host name cannot hold are refused, the hello with them.
    @Test(arguments: ["exa mple.com", "a/b.example", "ex\u{0}ample.com", "exämple.com", "a..example", ".example", "a:443", ""])
    func invalidServerName(name: String) {
        var builder = ClientHelloBuilder()
        builder.extensions = [.sni(name)]
        let expected: TLSClientHelloError = name.isEmpty ? .malformed(.serverName) : .invalidServerName
        #expect(parse(builder.record) == .invalid(expected))
    }

    /// An empty server_name list, or server_name with no data at all, is malformed (the list's
    /// lower bound is 1).
    @Test func emptyServerNameList() {
        var builder = ClientHelloBuilder()
        builder.extensions = [.serverName([])]
        #expect(parse(builder.record) == .invalid(.malformed(.serverNameList)))
        builder.extensions = [.raw(0, [])]  // server_name, empty extension_data
        #expect(parse(builder.record) == .invalid(.malformed(.serverNameList)))
    }

    /// A second server_name extension, or a second host_name in one, is refused.
    @Test func duplicates() {
        var builder = ClientHelloBuilder()
        builder.extensions = [.sni("a.example"), .sni("b.example")]
        #expect(parse(builder.record) == .invalid(.duplicateExtension(0)))
        builder.extensions = [.serverName([(type: UInt8(0), name: Array("a.example".utf8)), (type: UInt8(0), name: Array("b.example".utf8))])]
        #expect(parse(builder.record) == .invalid(.duplicateExtension(0)))
        builder.extensions = [.alpn(["h2"]), .alpn(["h2"])]
        #expect(parse(builder.record) == .invalid(.duplicateExtension(16)))
        builder.extensions = [.supportedVersions([0x0304]), .supportedVersions([0x0304])]
        #expect(parse(builder.record) == .invalid(.duplicateExtension(43)))
    }

    /// An empty ALPN name or list is malformed (RFC 7301 §3.1 bounds).
    @Test func emptyALPN() {
        var builder = ClientHelloBuilder()
        builder.extensions = [.alpn(["h2", ""])]
        #expect(parse(builder.record) == .invalid(.malformed(.protocolName)))
        builder.extensions = [.alpn([])]
        #expect(parse(builder.record) == .invalid(.malformed(.protocolNameList)))
    }

    /// Field bounds the RFC sets: a session id over 32 bytes, an odd or empty cipher suite
    /// list, no compression method.
    @Test func vectorBounds() {
        var builder = ClientHelloBuilder()
        builder.sessionID = [UInt8](repeating: 7, count: 33)
        #expect(parse(builder.record) == .invalid(.malformed(.sessionID)))
        builder = ClientHelloBuilder()
        builder.cipherSuites = []
        #expect(parse(builder.record) == .invalid(.malformed(.cipherSuites)))
        builder = ClientHelloBuilder()
        builder.compressionMethods = []
        #expect(parse(builder.record) == .invalid(.malformed(.compressionMethods)))
    }

    /// Once decided, the parser answers the same until `reset()`.
    @Test func verdictSticksUntilReset() {
        var parser = TLSClientHelloParser()
        let garbage: [UInt8] = [0x17, 0x03]
        #expect(garbage.withUnsafeBytes { parser.parse($0) } == .invalid(.notHandshakeRecord))
        let hello = ClientHelloBuilder.compact.record
        #expect(hello.withUnsafeBytes { parser.parse($0) } == .invalid(.notHandshakeRecord))
        parser.reset()
        #expect(info(hello.withUnsafeBytes { parser.parse($0) })?.serverName == "example.com")
    }

    /// Every error has a log reason.
    @Test func reasons() {
        #expect(TLSClientHelloError.malformed(.sessionID).reason == "invalid sessionID length in client hello")
        #expect(TLSClientHelloError.tooLarge.reason == "client hello too large")
    }
}
