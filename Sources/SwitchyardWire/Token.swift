/// Runs of token bytes (RFC 9110 §5.6.2): methods and field names.
///
///     token = 1*tchar
enum Token {
    /// The index of the first byte in `start..<end` that is no `tchar`, or `end`.
    @inline(__always)
    static func end(in buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        var index = start
        // Four bytes a step while all are token bytes, their class flags combined; then one at
        // a time to the first that is not. Wrapping arithmetic: the index stays within
        // `start...end`.
        while index &+ 4 <= end {
            let flags = ByteClass.table[Int(buffer[index])] & ByteClass.table[Int(buffer[index &+ 1])]
                & ByteClass.table[Int(buffer[index &+ 2])] & ByteClass.table[Int(buffer[index &+ 3])]
            guard flags & ByteClass.tchar.rawValue != 0 else { break }
            index &+= 4
        }
        while index < end, ByteClass.tchar.contains(byte: buffer[index]) { index &+= 1 }
        return index
    }
}
