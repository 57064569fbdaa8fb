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

    /// Takes one field into account. Names are matched by length first, so the common fields
    /// the proxy does not care about cost one switch.
    mutating func observe(_ field: HTTPHeaderField, in buffer: UnsafeRawBufferPointer, role: Role) -> HTTPParseError? {
        let name = field.name
        switch name.count {
        case 4 where name.equalsCaseInsensitive("host", in: buffer):
            guard role == .request else { return nil }
            guard host == nil else { return .multipleHost }
            for index in field.value.range where !ByteClass.hostChar.contains(byte: buffer[index]) {
                return .invalidHost
            }
            host = field.value
        case 6 where name.equalsCaseInsensitive("expect", in: buffer):
            for element in FieldList(field.value, in: buffer) where element.equalsCaseInsensitive("100-continue", in: buffer) {
                expectsContinue = true
            }
        case 7 where name.equalsCaseInsensitive("upgrade", in: buffer):
            // The first Upgrade line; a proxy that needs every protocol walks the fields.
            if upgrade == nil { upgrade = field.value }
        case 10 where name.equalsCaseInsensitive("connection", in: buffer):
            for element in FieldList(field.value, in: buffer) {
                if element.equalsCaseInsensitive("close", in: buffer) {
                    connection.insert(.close)
                } else if element.equalsCaseInsensitive("keep-alive", in: buffer) {
                    connection.insert(.keepAlive)
                } else if element.equalsCaseInsensitive("upgrade", in: buffer) {
                    connection.insert(.upgrade)
                }
            }
        case 14 where name.equalsCaseInsensitive("content-length", in: buffer):
            switch ContentLength.parse(field.value, in: buffer) {
            case .failure(let error):
                return error
            case .success(let length):
                if let earlier = contentLength, earlier != length { return .conflictingContentLength }
                contentLength = length
            }
        case 17 where name.equalsCaseInsensitive("transfer-encoding", in: buffer):
            hasTransferEncoding = true
            var sawElement = false
            for element in FieldList(field.value, in: buffer) {
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
        default:
            break
        }
        return nil
    }

    /// The rules that need the whole head, in the order their errors are reported.
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
