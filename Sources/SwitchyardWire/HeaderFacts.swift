/// The few semantic facts a proxy needs from a head's fields, resolved once while the fields
/// are parsed: framing (Content-Length, Transfer-Encoding), Host, Connection options, Upgrade
/// and Expect. Rules that need the whole head (Host required, CL with TE, final coding) are
/// checked by `finish`.
struct HeaderFacts: Hashable, Sendable {
    enum Role {
        case request
        case response
    }

    var contentLength: Int?
    var hasTransferEncoding = false
    /// Codings seen in order across every Transfer-Encoding line.
    var codingCount = 0
    var chunkedCount = 0
    var lastCodingIsChunked = false
    var host: ByteRange?
    var connection: ConnectionOptions = []
    var upgrade: ByteRange?
    var expectsContinue = false

    /// Final `chunked` applied exactly once.
    var isChunked: Bool { hasTransferEncoding && lastCodingIsChunked && chunkedCount == 1 }
    var hasOtherTransferCodings: Bool { codingCount > chunkedCount }

    /// Takes one field into account. A call per field, so callers make it only for a name
    /// that `KnownFieldName.mayMatch`.
    @inline(never)
    mutating func observe(_ field: HTTPHeaderField, in buffer: UnsafeRawBufferPointer, role: Role) -> HTTPParseError? {
        guard let name = KnownFieldName(field.name, in: buffer) else { return nil }
        let value = field.value
        switch name {
        case .host:
            guard role == .request else { return nil }
            return observeHost(value, in: buffer)
        case .expect:
            for element in FieldList(value, in: buffer) where element.equalsCaseInsensitive("100-continue", in: buffer) {
                expectsContinue = true
            }
        case .upgrade:
            // The first Upgrade line; a proxy that needs every protocol walks the fields.
            if upgrade == nil { upgrade = value }
        case .connection:
            for element in FieldList(value, in: buffer) {
                if element.equalsCaseInsensitive("close", in: buffer) {
                    connection.insert(.close)
                } else if element.equalsCaseInsensitive("keep-alive", in: buffer) {
                    connection.insert(.keepAlive)
                } else if element.equalsCaseInsensitive("upgrade", in: buffer) {
                    connection.insert(.upgrade)
                }
            }
        case .contentLength:
            // Nearly every value is one plain number, which `ContentLength.parse` would accept
            // as it is.
            if let length = ContentLength.digits(value, in: buffer) {
                if let earlier = contentLength, earlier != length { return .conflictingContentLength }
                contentLength = length
                return nil
            }
            switch ContentLength.parse(value, in: buffer) {
            case .failure(let error):
                return error
            case .success(let length):
                if let earlier = contentLength, earlier != length { return .conflictingContentLength }
                contentLength = length
            }
        case .transferEncoding:
            hasTransferEncoding = true
            var sawElement = false
            for element in FieldList(value, in: buffer) {
                sawElement = true
                switch TransferCoding.parse(element, in: buffer) {
                case .failure(let error):
                    return error
                case .success(let coding):
                    codingCount += 1
                    lastCodingIsChunked = coding == .chunked
                    if coding == .chunked { chunkedCount += 1 }
                }
            }
            if !sawElement { return .invalidTransferEncoding }
        }
        return nil
    }

    /// The Host field of a request (a response's is no concern of the proxy's).
    @inline(__always)
    mutating func observeHost(_ value: ByteRange, in buffer: UnsafeRawBufferPointer) -> HTTPParseError? {
        guard host == nil else { return .multipleHost }
        guard ByteClass.hostChar.containsAll(buffer, value.range) else { return .invalidHost }
        host = value
        return nil
    }

    /// The rules that need the whole head, in the order their errors are reported.
    @inline(__always)
    func finish(version: HTTPVersion, role: Role) -> HTTPParseError? {
        if role == .request, version.isAtLeast1_1, host == nil { return .missingHost }
        if hasTransferEncoding {
            // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
            if !version.isAtLeast1_1 { return .transferEncodingInHTTP10 }
            if contentLength != nil { return .contentLengthWithTransferEncoding }
            if !isChunked { return .transferEncodingNotFinallyChunked }
        }
        return nil
    }
}
