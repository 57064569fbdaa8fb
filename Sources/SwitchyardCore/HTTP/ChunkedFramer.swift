import SwitchyardReactor
import SwitchyardWire

/// A chunked body's end, found by the wire decoder as the bytes stream past unchanged.
struct ChunkedFramer: BodyFramer {
    private var decoder = ChunkedDecoder()

    mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(BodyFramingError) -> (count: Int, complete: Bool) {
        switch decoder.decode(bytes) {
        case .needMoreBytes: return (bytes.count, false)
        case .complete(let count): return (count, true)
        case .invalid(let error): throw BodyFramingError("\(error)")
        }
    }

    var endsAtClose: Bool { false }
}
