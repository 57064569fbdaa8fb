import Benchmark
import BenchmarkFixtures
import SwitchyardWire

/// Client-to-server frames of 128-byte messages, back to back in one buffer: one operation
/// is one frame's header parsed and its payload skipped (what a proxy that watches frames
/// does), or also unmasked in place (what one that reads messages does).
func webSocketFrameBenchmarks() {
    // One frame per operation: the buffer holds exactly one sample's worth.
    let frameCount = BenchmarkScalingFactor.kilo.rawValue
    let frames = Bytes.maskedFrames(count: frameCount, payload: 128)

    Benchmark("WebSocketFrame-masked-128B", configuration: Micro.configuration()) { benchmark in
        frames.withUnsafeBytes { buffer in
            var parser = WebSocketFrameParser(requireMasked: true)
            var offset = 0
            Micro.measure(benchmark) {
                for _ in benchmark.scaledIterations {
                    guard case .frame(let header, let headerLength) = parser.parse(UnsafeRawBufferPointer(rebasing: buffer[offset...])) else {
                        preconditionFailure("frame fixture")
                    }
                    offset += headerLength + Int(header.payloadLength)
                }
            }
            precondition(offset == buffer.count)
        }
    }

    Benchmark("WebSocketFrame-masked-128B-unmask", configuration: Micro.configuration()) { benchmark in
        // A private copy to unmask in place (unmasking twice gives the frames back), made
        // before the measurement starts.
        var frames = frames
        frames.withUnsafeMutableBytes { buffer in
            var parser = WebSocketFrameParser(requireMasked: true)
            var offset = 0
            Micro.measure(benchmark) {
                for _ in benchmark.scaledIterations {
                    guard case .frame(let header, let headerLength) = parser.parse(UnsafeRawBufferPointer(rebasing: buffer[offset...])),
                          let key = header.maskKey
                    else { preconditionFailure("frame fixture") }
                    let start = offset + headerLength
                    offset = start + Int(header.payloadLength)
                    WebSocketMask.unmask(UnsafeMutableRawBufferPointer(rebasing: buffer[start..<offset]), key: key, offset: 0)
                }
            }
            blackHole(buffer[0])
        }
    }
}
