/// One field line of a head: where its name and value lie in the buffer. The value has its
/// leading and trailing whitespace (OWS) trimmed; it may be empty.
public struct HTTPHeaderField: Hashable, Sendable {
    public var name: ByteRange
    public var value: ByteRange

    public init(name: ByteRange, value: ByteRange) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeaderField {
    /// The value of the first field named `name` (case-insensitive), or nil.
    public func firstValue(named name: StaticString, in buffer: UnsafeRawBufferPointer) -> ByteRange? {
        for field in self where field.name.equalsCaseInsensitive(name, in: buffer) {
            return field.value
        }
        return nil
    }
}
