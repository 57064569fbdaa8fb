import SwitchyardWire

/// Frame headers written straight into a send buffer (RFC 6455 §5.2), for the hot paths:
/// `WebSocketFrameWriter.header` returns a fresh array, one allocation per frame.
enum WSFrameBytes {
    /// Writes a header with the minimal length encoding and, when `mask` is given, MASK and
    /// the key in wire order. Returns its length (2 to 14 bytes).
    @inline(__always)
    static func writeHeader(
        into destination: UnsafeMutableRawPointer, fin: Bool, opcode: UInt8, payloadLength: UInt64, mask: UInt32?
    ) -> Int {
        destination.storeBytes(of: (fin ? 0x80 : 0) | opcode, as: UInt8.self)
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        var length: Int
        if payloadLength <= 125 {
            (destination + 1).storeBytes(of: maskBit | UInt8(payloadLength), as: UInt8.self)
            length = 2
        } else if payloadLength <= 0xFFFF {
            (destination + 1).storeBytes(of: maskBit | 126, as: UInt8.self)
            (destination + 2).storeBytes(of: UInt16(payloadLength).bigEndian, toByteOffset: 0, as: UInt16.self)
            length = 4
        } else {
            (destination + 1).storeBytes(of: maskBit | 127, as: UInt8.self)
            (destination + 2).storeBytes(of: payloadLength.bigEndian, toByteOffset: 0, as: UInt64.self)
            length = 10
        }
        if let mask {
            (destination + length).storeBytes(of: mask.bigEndian, toByteOffset: 0, as: UInt32.self)
            length += 4
        }
        return length
    }

    static let binary: UInt8 = 0x2
    static let close: UInt8 = 0x8

    /// A masked close frame with `code` (client to server, §5.5.1): 8 bytes.
    static func closeFrame(code: UInt16, mask: UInt32) -> (UInt64, UInt64) {
        var frame: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &frame) { raw in
            let headerLength = writeHeader(into: raw.baseAddress!, fin: true, opcode: close, payloadLength: 2, mask: mask)
            raw.storeBytes(of: code.bigEndian, toByteOffset: headerLength, as: UInt16.self)
            WebSocketMask.unmask(UnsafeMutableRawBufferPointer(rebasing: raw[headerLength..<headerLength + 2]), key: mask, offset: 0)
        }
        return frame
    }

    static let closeFrameLength = 8
}

