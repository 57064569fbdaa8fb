import Testing

@testable import SwitchyardWire

struct MethodTokensTests {
    static var names: [String] { MethodTokens.all.map { $0.description } }

    /// The list is sorted, duplicate-free, uppercase tokens, as long as `maxLength` at most,
    /// and never holds `PRI` (the HTTP/2 preface).
    @Test func listIsWellFormed() {
        let names = Self.names
        #expect(names == names.sorted())
        #expect(Set(names).count == names.count)
        #expect(!names.contains("PRI"))
        #expect(names.map(\.utf8.count).max() == MethodTokens.maxLength)
        for name in names {
            #expect(name.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x2D }, "\(name)")
        }
    }

    /// The first-letter index selects exactly the methods that start with each letter.
    @Test func firstLetterIndexMatchesList() {
        let names = Self.names
        #expect(MethodTokens.firstLetterStart.count == 27)
        #expect(Int(MethodTokens.firstLetterStart[26]) == names.count)
        for letter in 0..<26 {
            let range = Int(MethodTokens.firstLetterStart[letter])..<Int(MethodTokens.firstLetterStart[letter + 1])
            let first = UInt8(0x41 + letter)
            #expect(Array(names[range]) == names.filter { $0.utf8.first == first }, "letter \(UnicodeScalar(first))")
        }
    }

    /// Each method followed by SP matches whole, each proper prefix of it as a prefix, and a
    /// wrong byte or a missing SP as no method.
    @Test func matchesEveryMethodAndPrefix() {
        for name in Self.names {
            let line = Array((name + " /").utf8)
            line.withUnsafeBytes { #expect(MethodTokens.match($0, from: 0) == .method(length: name.utf8.count), "\(name)") }
            for end in 1...name.utf8.count {
                Array(line[..<end]).withUnsafeBytes { #expect(MethodTokens.match($0, from: 0) == .prefix, "\(name) prefix \(end)") }
            }
            Array((name + "X ").utf8).withUnsafeBytes { buffer in
                // Only UPDATE has a longer sibling, and it does not continue with X.
                #expect(MethodTokens.match(buffer, from: 0) == .none, "\(name)X")
            }
        }
    }
}
