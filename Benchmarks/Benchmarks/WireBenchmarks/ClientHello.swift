import Benchmark
import BenchmarkFixtures
import SwitchyardWire

/// `ssl_preread`: SNI, ALPN and the offered version out of a whole ClientHello.
func clientHelloBenchmarks() {
    let hello = ClientHello.chrome
    hello.withUnsafeBytes { buffer in
        var parser = TLSClientHelloParser()
        guard case .complete(let info) = parser.parse(buffer), info.serverName == "app.example.com",
              info.alpn == ["h2", "http/1.1"], info.version == .tls1_3
        else { preconditionFailure("ClientHello fixture") }
    }
    Benchmark("ClientHello-Chrome", configuration: Micro.configuration()) { benchmark in
        hello.withUnsafeBytes { buffer in
            Micro.measure(benchmark) {
                for _ in benchmark.scaledIterations {
                    var parser = TLSClientHelloParser()
                    blackHole(parser.parse(buffer))
                }
            }
        }
    }
}
