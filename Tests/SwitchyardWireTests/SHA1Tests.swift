import Testing

@testable import SwitchyardWire

struct SHA1Tests {
    private func hex(_ digest: [UInt8]) -> String {
        digest.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
    }

    /// RFC 3174 §7.3 TEST1 / FIPS 180 example: "abc".
    @Test func abc() {
        #expect(hex(SHA1.hash(bytes("abc"))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    /// The empty message: padding alone fills one block.
    @Test func empty() {
        #expect(hex(SHA1.hash([UInt8]())) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    /// RFC 3174 §7.3 TEST2: the 448-bit message, whose padding spills into a second block.
    @Test func twoBlockPadding() {
        let message = bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        #expect(message.count == 56)
        #expect(hex(SHA1.hash(message)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    /// RFC 3174 §7.3 TEST4: "01234567" 80 times, exactly ten blocks.
    @Test func tenBlocks() {
        let message = Array(repeating: bytes("01234567"), count: 80).flatMap { $0 }
        #expect(hex(SHA1.hash(message)) == "dea356a2cddd90c7a7ecedc5ebb563934f460452")
    }

    /// RFC 3174 §7.3 TEST3: one million "a"s.
    @Test func oneMillionAs() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(hex(SHA1.hash(message)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Any collection hashes like the same bytes in an array (here a slice and a UTF-8 view).
    @Test func anyCollection() {
        let message = bytes("xxabcxx")
        #expect(SHA1.hash(message[2..<5]) == SHA1.hash(bytes("abc")))
        #expect(SHA1.hash("abc".utf8) == SHA1.hash(bytes("abc")))
        #expect(SHA1.hash(bytes("abc")).count == 20)
    }
}
