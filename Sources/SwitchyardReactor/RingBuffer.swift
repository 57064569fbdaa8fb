/// A byte ring with power-of-two capacity and free-running indices masked on access, for
/// the copy path (TLS, WebSocket inspection, and tunnels with splice off). It hands out its
/// readable and writable regions as raw buffers so reads and writes go straight to the
/// kernel without an intermediate copy.
public final class RingBuffer {
    private let storage: UnsafeMutableRawBufferPointer
    private let mask: Int
    private var head = 0  // next byte to read (free-running)
    private var tail = 0  // next byte to write (free-running)

    public init(capacity requested: Int) {
        let capacity = Self.capacity(for: requested)
        storage = .allocate(byteCount: capacity, alignment: 16)
        mask = capacity - 1
    }

    /// The power of two a ring asked for `requested` bytes gets.
    public static func capacity(for requested: Int) -> Int {
        var capacity = 1
        while capacity < max(requested, 16) { capacity <<= 1 }
        return capacity
    }

    /// Empties the ring (a pooled ring going to its next connection).
    public func reset() {
        head = 0
        tail = 0
    }

    deinit {
        storage.deallocate()
    }

    public var capacity: Int { mask + 1 }
    public var readableCount: Int { tail - head }
    public var writableCount: Int { capacity - readableCount }
    public var isEmpty: Bool { head == tail }
    public var isFull: Bool { readableCount == capacity }

    /// The contiguous run of readable bytes starting at the head (the first of up to two).
    public var readableRegion: UnsafeRawBufferPointer {
        let start = head & mask
        let count = min(readableCount, capacity - start)
        return UnsafeRawBufferPointer(rebasing: storage[start..<start + count])
    }

    /// The contiguous run of free space starting at the tail (the first of up to two).
    public var writableRegion: UnsafeMutableRawBufferPointer {
        let start = tail & mask
        let count = min(writableCount, capacity - start)
        return UnsafeMutableRawBufferPointer(rebasing: storage[start..<start + count])
    }

    public func didWrite(_ count: Int) {
        assert(count >= 0 && count <= writableCount)
        tail += count
    }

    public func didRead(_ count: Int) {
        assert(count >= 0 && count <= readableCount)
        head += count
        if head == tail {
            // Rewind when empty so the next read gets the whole buffer contiguously.
            head = 0
            tail = 0
        }
    }

    /// The readable bytes from `offset` (relative to the head) to the tail, as up to two
    /// contiguous runs: the ring may wrap once.
    public func readableRuns(from offset: Int) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        let available = readableCount - offset
        guard available > 0 else { return (UnsafeRawBufferPointer(start: nil, count: 0), UnsafeRawBufferPointer(start: nil, count: 0)) }
        let start = (head + offset) & mask
        let first = min(available, capacity - start)
        let firstRun = UnsafeRawBufferPointer(rebasing: storage[start..<start + first])
        let secondRun = UnsafeRawBufferPointer(rebasing: storage[0..<(available - first)])
        return (firstRun, secondRun)
    }

    /// Moves the readable bytes to the start of the storage so they are one contiguous run,
    /// for parsers that need the whole head in one piece. Costs a copy only when wrapped.
    public func linearize() {
        let start = head & mask
        let count = readableCount
        if start + count <= capacity {
            if start != 0 {
                storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: count)
            }
        } else {
            let temporary = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
            defer { temporary.deallocate() }
            _ = peek(into: temporary)
            storage.baseAddress!.copyMemory(from: temporary.baseAddress!, byteCount: count)
        }
        head = 0
        tail = count
    }

    public func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        var copied = 0
        while copied < bytes.count && writableCount > 0 {
            let region = writableRegion
            let n = min(region.count, bytes.count - copied)
            region.baseAddress!.copyMemory(from: bytes.baseAddress! + copied, byteCount: n)
            didWrite(n)
            copied += n
        }
        return copied
    }

    /// Copies readable bytes out without consuming them (up to `into.count`).
    public func peek(into destination: UnsafeMutableRawBufferPointer) -> Int {
        var copied = 0
        var position = head
        while copied < destination.count && position < tail {
            let start = position & mask
            let n = min(capacity - start, tail - position, destination.count - copied)
            (destination.baseAddress! + copied).copyMemory(from: storage.baseAddress! + start, byteCount: n)
            copied += n
            position += n
        }
        return copied
    }
}

@available(*, unavailable)
extension RingBuffer: Sendable {}
