import Testing

@testable import SwitchyardConfig

struct ParserTests {
    private func tree(_ text: String) throws -> [Directive] {
        try ConfigLoader.tree(text: text, file: testFile)
    }

    private func error(_ text: String) -> String? {
        do {
            _ = try ConfigLoader.tree(text: text, file: testFile)
            return nil
        } catch {
            return error.description
        }
    }

    /// Blocks nest, arguments keep their quoting, and each directive knows its line.
    @Test func buildsNestedTree() throws {
        let directives = try tree(
            """
            worker_processes 2;
            stream {
                upstream b { server "127.0.0.1:1"; }
                server {
                    listen 80;
                }
            }
            """)
        #expect(directives.map(\.name) == ["worker_processes", "stream"])
        #expect(directives[0].block == nil)
        #expect(directives[0].args == [Argument(text: "2", quoted: false, location: location(1))])

        let stream = try #require(directives[1].block)
        #expect(stream.map(\.name) == ["upstream", "server"])
        #expect(stream[0].args.map(\.text) == ["b"])
        #expect(stream[0].block?.first?.args.first == Argument(text: "127.0.0.1:1", quoted: true, location: location(3)))
        #expect(stream[1].location == location(4))
        #expect(stream[1].block?.first?.location == location(5))
        #expect(stream[1].block?.first?.args.map(\.text) == ["80"])
    }

    /// An empty block is an empty list, not a missing block.
    @Test func emptyBlockIsNotNil() throws {
        #expect(try tree("events {}")[0].block == [])
    }

    /// A directive spread over lines is located at its name.
    @Test func multiLineDirectiveLocatedAtName() throws {
        let directives = try tree("\nlisten\n  80\n  reuseport;")
        #expect(directives[0].location == location(2))
        #expect(directives[0].args.map(\.location.line) == [3, 4])
    }

    /// A `}` with nothing open is nginx's `unexpected "}"`.
    @Test func strayClosingBrace() {
        #expect(error("a;\n}\n") == "unexpected \"}\" in conf/x.conf:2")
    }

    /// A `}` in the middle of a directive is also unexpected.
    @Test func closingBraceInsideDirective() {
        #expect(error("stream {\n  listen 80 }") == "unexpected \"}\" in conf/x.conf:2")
    }

    /// `;` or `{` without a directive name before it is unexpected.
    @Test func punctuationWithoutName() {
        #expect(error("a;\n;") == "unexpected \";\" in conf/x.conf:2")
        #expect(error("{ }") == "unexpected \"{\" in conf/x.conf:1")
    }

    /// A block still open at the end of the file reports the last line.
    @Test func unterminatedBlock() {
        #expect(error("stream {\n  server {\n  }\n") == "unexpected end of file, expecting \"}\" in conf/x.conf:4")
    }

    /// A directive without its `;` at the end of the file.
    @Test func missingSemicolonAtEnd() {
        #expect(error("pid /run/x.pid") == "unexpected end of file, expecting \";\" or \"}\" in conf/x.conf:1")
    }

    /// `include` takes exactly one argument and no block.
    @Test func includeShape() {
        #expect(error("\ninclude a b;") == "invalid number of arguments in \"include\" directive in conf/x.conf:2")
        #expect(error("include a { }") == "directive \"include\" is not terminated by \";\" in conf/x.conf:1")
    }
}
