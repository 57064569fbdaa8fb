import Testing

@testable import SwitchyardWire

struct KnownFieldNameTests {
    static let names: [(String, KnownFieldName)] = [
        ("host", .host), ("expect", .expect), ("upgrade", .upgrade), ("connection", .connection),
        ("content-length", .contentLength), ("transfer-encoding", .transferEncoding),
    ]

    private func recognise(_ name: [UInt8]) -> KnownFieldName? {
        withBuffer(name) { KnownFieldName(ByteRange(offset: 0, count: name.count), in: $0) }
    }

    private func mayMatch(_ name: [UInt8]) -> Bool {
        withBuffer(name) { KnownFieldName.mayMatch(ByteRange(offset: 0, count: name.count), in: $0) }
    }

    /// Each known name is recognised in any mix of case, and passes the inline pre-test.
    @Test func recognisesEveryCase() {
        for (name, known) in Self.names {
            for variant in [name, name.uppercased(), String(name.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })] {
                let bytes = Array(variant.utf8)
                #expect(recognise(bytes) == known, "\(variant)")
                #expect(mayMatch(bytes), "\(variant)")
            }
        }
    }

    /// Changing any one byte of a known name to any other token byte (other than its other
    /// case) makes it unknown: the word compares fold case for letters and `-` only.
    @Test func refusesEveryOtherToken() {
        let tokenBytes = (0...255).map(UInt8.init).filter { ByteClass.tchar.contains(byte: $0) }
        for (name, _) in Self.names {
            let original = Array(name.utf8)
            for position in original.indices {
                for byte in tokenBytes where byte | 0x20 != original[position] {
                    var changed = original
                    changed[position] = byte
                    #expect(recognise(changed) == nil, "\(String(decoding: changed, as: UTF8.self))")
                }
            }
        }
    }

    /// Names of other lengths, and of a known length but another first letter, fail the
    /// pre-test that saves the call.
    @Test func preTestSkipsOthers() {
        for name in ["Pragma", "Origin", "Cookie", "User-Agent", "Sec-Fetch-Site", "Sec-WebSocket-Key", "Content-Type", "Accept"] {
            #expect(!mayMatch(Array(name.utf8)), "\(name)")
        }
    }
}
