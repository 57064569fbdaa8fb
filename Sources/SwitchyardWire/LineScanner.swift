/// Finds the lines of a head in a buffer that grows between calls, remembering how far it has
/// looked so each byte is examined once however the head arrives.
///
/// A line ends at LF; a CR right before the LF is part of the line end. A bare LF is accepted
/// as a line end, as RFC 9112 §2.2 allows a recipient to and nginx does: heads are rebuilt,
/// never forwarded as received, so the leniency cannot reach another parser. A CR followed by
/// anything but LF is refused at once (RFC 9112 §2.2), without waiting for the line's end.
struct LineScanner {
    /// Where the current (unfinished) line starts; after a head is complete, its length.
    private(set) var lineStart = 0
    /// The next byte of the current line to examine.
    private var scanned = 0

    enum Outcome: Equatable {
        /// A complete line: its bytes without the line end.
        case line(Range<Int>)
        case needMoreBytes
        /// The line's content exceeds `maxLength`.
        case lineTooLong
        /// The head would exceed `headLimit` bytes.
        case headTooLarge
        case bareCarriageReturn
    }

    mutating func nextLine(in buffer: UnsafeRawBufferPointer, maxLength: Int, headLimit: Int) -> Outcome {
        // A line of `maxLength` content bytes plus CR LF ends before `lineLimit`; never look
        // past it or past the head limit.
        let lineLimit = lineStart + maxLength + 2
        let end = min(buffer.count, lineLimit, headLimit)
        var index = scanned
        // Skip 8 bytes at a time while none of them can be a line end.
        while index + 8 <= end, !SWAR.mayHoldLineEnd(SWAR.load(buffer, index)) { index += 8 }
        while index < end {
            let byte = buffer[index]
            // One compare keeps ordinary bytes (all >= 0x20, or TAB) on the fast path.
            if byte <= ASCII.cr {
                if byte == ASCII.lf {
                    var contentEnd = index
                    if contentEnd > lineStart, buffer[contentEnd - 1] == ASCII.cr { contentEnd -= 1 }
                    if contentEnd - lineStart > maxLength { return .lineTooLong }
                    let line = lineStart..<contentEnd
                    lineStart = index + 1
                    scanned = lineStart
                    return .line(line)
                }
                if byte == ASCII.cr, index + 1 < buffer.count, buffer[index + 1] != ASCII.lf {
                    return .bareCarriageReturn
                }
            }
            index += 1
        }
        // A CR as the last byte seen must be looked at again once its successor arrives.
        scanned = end > lineStart && buffer[end - 1] == ASCII.cr ? end - 1 : end
        if end == lineLimit { return .lineTooLong }
        if end == headLimit { return .headTooLarge }
        return .needMoreBytes
    }
}
