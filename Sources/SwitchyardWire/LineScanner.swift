/// Finds the lines of a head in a buffer that grows between calls, remembering how far it has
/// looked so each byte is examined once however the head arrives.
///
/// A line ends at LF; a CR right before the LF is part of the line end. A bare LF is accepted
/// as a line end, as RFC 9112 §2.2 allows a recipient to and nginx does: heads are rebuilt,
/// never forwarded as received, so the leniency cannot reach another parser. A CR followed by
/// anything but LF is refused at once (RFC 9112 §2.2), without waiting for the line's end.
///
/// The scan stops at every control byte and DEL anyway (8 bytes at a time in between), so it
/// notes whether a line holds any besides its line end: a field line without one needs no
/// byte-by-byte look at its value.
struct LineScanner {
    /// Where the current (unfinished) line starts; after a head is complete, its length.
    private(set) var lineStart = 0
    /// The next byte of the current line to examine.
    private var scanned = 0
    /// The bytes of the current line examined so far hold a control byte (TAB included) or
    /// DEL; for the last line returned, whether its content did.
    private(set) var lineHasControls = false

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

    /// No byte of the current line has been examined yet.
    var isAtLineStart: Bool { scanned == lineStart }

    /// How far `nextLine` may look: a line of `maxLength` content bytes plus CR LF ends before
    /// `lineStart + maxLength + 2`, and no line may pass the head limit.
    @inline(__always)
    func scanLimit(in buffer: UnsafeRawBufferPointer, maxLength: Int, headLimit: Int) -> Int {
        min(buffer.count, lineStart + maxLength + 2, headLimit)
    }

    /// Takes the bytes of the current line before `index` (at most its scan limit) as
    /// examined: the caller has found no control byte or DEL among them.
    @inline(__always)
    mutating func skipCheckedBytes(to index: Int) {
        scanned = index
        lineHasControls = false
    }

    /// Takes the current line as ending just before `next` (after its line end): the caller
    /// has found it as `nextLine` would.
    @inline(__always)
    mutating func takeLine(endingBefore next: Int) {
        lineStart = next
        scanned = next
    }

    @inline(__always)
    mutating func nextLine(in buffer: UnsafeRawBufferPointer, maxLength: Int, headLimit: Int) -> Outcome {
        let end = scanLimit(in: buffer, maxLength: maxLength, headLimit: headLimit)
        if scanned == lineStart { lineHasControls = false }
        var index = scanned
        // Wrapping arithmetic below: indices stay within `0...buffer.count`.
        while true {
            index = SWAR.firstControl(in: buffer, from: index, to: end)
            guard index < end else { break }
            let byte = buffer[index]
            if byte == ASCII.cr {
                let next = index &+ 1
                if next < buffer.count {
                    guard buffer[next] == ASCII.lf else { return .bareCarriageReturn }
                    // An LF before `end` is within the line limit, so the content fits.
                    if next < end { return endLine(contentEnd: index, next: next &+ 1) }
                }
            } else if byte == ASCII.lf {
                var contentEnd = index
                if contentEnd > lineStart, buffer[contentEnd &- 1] == ASCII.cr { contentEnd &-= 1 }
                if contentEnd &- lineStart > maxLength { return .lineTooLong }
                return endLine(contentEnd: contentEnd, next: index &+ 1)
            } else {
                lineHasControls = true
            }
            index &+= 1
        }
        // A CR as the last byte seen must be looked at again once its successor arrives.
        scanned = end > lineStart && buffer[end &- 1] == ASCII.cr ? end &- 1 : end
        if end == lineStart + maxLength + 2 { return .lineTooLong }
        if end == headLimit { return .headTooLarge }
        return .needMoreBytes
    }

    @inline(__always)
    private mutating func endLine(contentEnd: Int, next: Int) -> Outcome {
        let line = lineStart..<contentEnd
        lineStart = next
        scanned = next
        return .line(line)
    }
}

/// The line end of a line read without `LineScanner`, judged as `LineScanner` would judge it.
enum LineEnd {
    /// The index after the line end at `index`, if CR LF or LF is there within the line's
    /// scan limit and the line's content (`lineStart..<index`, no control byte or DEL in it)
    /// fits `maxLength`; else nil, and `LineScanner` must look.
    @inline(__always)
    static func after(_ buffer: UnsafeRawBufferPointer, at index: Int, lineStart: Int, limit: Int, maxLength: Int) -> Int? {
        guard index < limit else { return nil }
        if buffer[index] == ASCII.cr {
            // An LF before `limit` is within the line limit, so the content fits.
            guard index + 1 < limit, buffer[index + 1] == ASCII.lf else { return nil }
            return index + 2
        }
        guard buffer[index] == ASCII.lf, index - lineStart <= maxLength else { return nil }
        return index + 1
    }
}
