import Testing

@testable import SwitchyardWire

struct ByteClassTests {
    private func members(_ byteClass: ByteClass) -> Set<UInt8> {
        Set((0...255).map(UInt8.init).filter { byteClass.contains(byte: $0) })
    }

    private let alphaDigit = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8))

    /// tchar is exactly RFC 9110 §5.6.2's set.
    @Test func tchar() {
        #expect(members(.tchar) == alphaDigit.union("!#$%&'*+-.^_`|~".utf8))
    }

    /// field-vchar is VCHAR plus obs-text; SP, HTAB and every control are outside.
    @Test func fieldVChar() {
        #expect(members(.fieldVChar) == Set(0x21...0x7E).union(0x80...0xFF))
    }

    /// Request-target bytes are RFC 3986's unreserved, sub-delims, ":@/?%" and the IP-literal brackets.
    @Test func targetChar() {
        let expected = alphaDigit.union("-._~!$&'()*+,;=:@/?%[]".utf8)
        #expect(members(.targetChar) == expected)
        for byte in "\"<>\\^`{|} #".utf8 { #expect(!ByteClass.targetChar.contains(byte: byte)) }
    }

    /// Host bytes have no "/", "@", "?", "#" or whitespace.
    @Test func hostChar() {
        #expect(members(.hostChar) == alphaDigit.union("-._~!$&'()*+,;=%:[]".utf8))
    }

    /// qdtext is RFC 9110 §5.6.4's set without SP and HTAB (checked apart).
    @Test func qdtext() {
        #expect(members(.qdtext) == Set([0x21]).union(0x23...0x5B).union(0x5D...0x7E).union(0x80...0xFF))
    }
}
