import Testing
@testable import SwitchyardCore

private func normalized(_ text: String) throws(URIPath.Problem) -> String {
    try URIPath.normalize(Array(text.utf8))
}

struct URIPathTests {
    /// Plain paths are unchanged; escapes decode; slashes merge.
    @Test func decodesAndMerges() throws {
        #expect(try normalized("/") == "/")
        #expect(try normalized("/a/b.html") == "/a/b.html")
        #expect(try normalized("/a%20b/c") == "/a b/c")
        #expect(try normalized("//a///b") == "/a/b")
        #expect(try normalized("/a/b/") == "/a/b/")
    }

    /// Dot segments resolve, escaped or not, and never above the root.
    @Test func resolvesDotSegments() throws {
        #expect(try normalized("/a/./b") == "/a/b")
        #expect(try normalized("/a/b/../c") == "/a/c")
        #expect(try normalized("/a/%2e%2e/c") == "/c")
        #expect(try normalized("/a/%2E%2e/") == "/")
        #expect(try normalized("/a/b/..") == "/a/")
    }

    /// Climbing above the root, NUL bytes, broken escapes and relative targets are refused.
    @Test func refusesEscapesFromTheRoot() {
        #expect(throws: URIPath.Problem.aboveRoot) { try normalized("/../etc/passwd") }
        #expect(throws: URIPath.Problem.aboveRoot) { try normalized("/a/../../etc/passwd") }
        #expect(throws: URIPath.Problem.aboveRoot) { try normalized("/%2e%2e/%2e%2e/etc/passwd") }
        #expect(throws: URIPath.Problem.nulByte) { try normalized("/a%00.html") }
        #expect(throws: URIPath.Problem.badEscape) { try normalized("/a%zz") }
        #expect(throws: URIPath.Problem.badEscape) { try normalized("/a%4") }
        #expect(throws: URIPath.Problem.notAbsolute) { try normalized("a/b") }
    }
}
