import Testing

@testable import SwitchyardWire

struct Base64Tests {
    /// RFC 4648 §10's test vectors: every padding case.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(_ input: String, _ expected: String) {
        #expect(Base64.encode(bytes(input)) == expected)
    }

    /// The last two alphabet characters are `+` and `/` (not the URL-safe `-` and `_`).
    @Test func standardAlphabet() {
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
        #expect(Base64.encode([0x00, 0x00, 0x00]) == "AAAA")
        #expect(Base64.encode(Array(0...255 as ClosedRange<UInt8>)).count == 344)
    }

    /// Only the 64 alphabet characters count as alphabet; padding and URL-safe ones do not.
    @Test func alphabetMembership() {
        let alphabet = Set(Base64.alphabet)
        for byte in 0...255 as ClosedRange<UInt8> {
            #expect(Base64.isAlphabet(byte) == alphabet.contains(byte), "\(byte)")
        }
        #expect(!Base64.isAlphabet(UInt8(ascii: "=")))
        #expect(!Base64.isAlphabet(UInt8(ascii: "-")))
    }
}
