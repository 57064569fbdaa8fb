import Testing

@testable import SwitchyardConfig

struct ComplexValueTests {
    private func parts(_ text: String) throws -> [ValuePart] {
        try ComplexValue(parsing: text).parts
    }

    private func error(_ text: String) -> String? {
        do {
            _ = try ComplexValue(parsing: text, location: location(7))
            return nil
        } catch {
            return error.description
        }
    }

    /// Text without `$` is one literal part.
    @Test func plainTextIsLiteral() throws {
        let value = try ComplexValue(parsing: "127.0.0.1:80")
        #expect(value.parts == [.literal("127.0.0.1:80")])
        #expect(value.isLiteral)
        #expect(try ComplexValue(parsing: "").parts == [])
    }

    /// `$name` ends at the first character that cannot be in a name.
    @Test func bareVariables() throws {
        #expect(try parts("$host:$server_port/x") == [
            .variable("host"), .literal(":"), .variable("server_port"), .literal("/x"),
        ])
        #expect(try !ComplexValue(parsing: "a$b").isLiteral)
    }

    /// `${name}` lets text follow a name directly.
    @Test func bracketedVariables() throws {
        #expect(try parts("${upstream}x${a}") == [.variable("upstream"), .literal("x"), .variable("a")])
    }

    /// `$1` to `$9` are single-digit captures, so `$12` is capture 1 then "2".
    @Test func captures() throws {
        #expect(try parts("$12") == [.variable("1"), .literal("2")])
    }

    /// `$` not followed by a name is nginx's `invalid variable name in "..."` with the whole value.
    @Test func invalidVariableName() {
        #expect(error("abc$") == "invalid variable name in \"abc$\" in conf/x.conf:7")
        #expect(error("$-x") == "invalid variable name in \"$-x\" in conf/x.conf:7")
        #expect(error("${}") == "invalid variable name in \"${}\" in conf/x.conf:7")
        #expect(error("a${") == "invalid variable name in \"a${\" in conf/x.conf:7")
    }

    /// An unclosed `${` names the variable whose bracket is missing.
    @Test func missingClosingBracket() {
        #expect(error("${foo") == "the closing bracket in \"foo\" variable is missing in conf/x.conf:7")
        #expect(error("${foo bar}") == "the closing bracket in \"foo\" variable is missing in conf/x.conf:7")
    }

    /// Parsing an `Argument` reports errors at the argument's location.
    @Test func argumentLocation() {
        let argument = Argument(text: "$", location: location(42))
        #expect(throws: ConfigError(message: "invalid variable name in \"$\"", location: location(42))) {
            try ComplexValue(argument)
        }
    }
}
