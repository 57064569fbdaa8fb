import SwitchyardReactor

/// The one answer of the http backend (and of the ws backend to a request that is not an
/// upgrade), and a buffer of it repeated, so any number of pipelined answers, and any
/// partial write of them, is a slice of fixed bytes: nothing is built per request.
enum HTTPResponses {
    static let ok: [UInt8] = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world\n".utf8)
    static let body: [UInt8] = Array("hello, world\n".utf8)
    static let badRequest: [UInt8] = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)

    /// `ok` 256 times: 20 KB.
    static let repeated: [UInt8] = Array((0..<256).map { _ in ok }.joined())
}

/// Answers owed on one connection, written from `HTTPResponses.repeated`. Because every
/// answer is the same bytes, "n answers, the first `written` bytes of them sent" is all the
/// state a partial write needs.
struct PendingAnswers {
    var count = 0
    var written = 0

    var isEmpty: Bool { count == 0 }

    /// Writes as much as the socket takes. Returns false on a socket error.
    mutating func flush(_ fd: Int32) -> Bool {
        let answer = HTTPResponses.ok.count
        return HTTPResponses.repeated.withUnsafeBytes { batch in
            while count > 0 {
                let owed = count * answer - written
                let n = min(owed, batch.count - written)
                let result: IOResult<Int>
                do {
                    result = try Sys.write(fd, UnsafeRawBufferPointer(rebasing: batch[written..<written + n]))
                } catch {
                    return false
                }
                guard case .value(let sent) = result else { return true }
                written += sent
                count -= written / answer
                written %= answer
            }
            return true
        }
    }
}
