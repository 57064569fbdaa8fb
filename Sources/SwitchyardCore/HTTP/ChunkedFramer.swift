import SwitchyardReactor
import SwitchyardWire

/// A chunked body's end, found by the wire decoder as the bytes stream past unchanged.
struct ChunkedFramer: BodyFramer {
    private var decoder = ChunkedDecoder()
    /// Most payload bytes allowed (`client_max_body_size`); 0 means no limit.
    private let limit: Int

    static let tooLarge = "body larger than client_max_body_size"

    init(limit: Int = 0) {
        self.limit = limit
    }

    mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(BodyFramingError) -> (count: Int, complete: Bool) {
        let result = decoder.decode(bytes)
        if limit > 0 && decoder.dataLength > limit { throw BodyFramingError(Self.tooLarge) }
        switch result {
        case .needMoreBytes: return (bytes.count, false)
        case .complete(let count): return (count, true)
        case .invalid(let error): throw BodyFramingError("\(error)")
        }
    }

    var endsAtClose: Bool { false }
}
