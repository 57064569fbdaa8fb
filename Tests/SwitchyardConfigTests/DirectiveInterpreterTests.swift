import Testing

@testable import SwitchyardConfig

struct DirectiveInterpreterTests {
    private func apply(_ text: String) throws -> ConfigBuilder {
        var builder = ConfigBuilder()
        try DirectiveInterpreter.apply(ConfigLoader.tree(text: text, file: testFile), to: &builder)
        return builder
    }

    /// Slot rows store at their key path, and the context returns to main after each block.
    @Test func slotsStoreValues() throws {
        let builder = try apply("pid /run/s.pid;\nevents { worker_connections 64; }\nworker_rlimit_nofile 4096;")
        #expect(builder.pidPath == "/run/s.pid")
        #expect(builder.workerConnections == 64)
        #expect(builder.workerRlimitNofile == 4096)
        #expect(builder.context == .main)
    }

    /// The same key path writes to `stream {}` or to the open server depending on the block.
    @Test func scopeFollowsBlock() throws {
        let builder = try apply("stream {\n proxy_timeout 5s;\n server { listen 1; echo; proxy_timeout 7s; }\n}")
        #expect(builder.stream.proxy.timeout == .seconds(5))
        #expect(builder.stream.servers[0].proxy.timeout == .seconds(7))
    }

    /// The context check comes before the block check, as in `ngx_conf_handler`.
    @Test func contextCheckedBeforeShape() {
        #expect(loadError("listen 80 { }") == "\"listen\" directive is not allowed here in conf/x.conf:1")
    }

    /// The block check comes before the argument count.
    @Test func shapeCheckedBeforeArguments() {
        #expect(loadError("stream x;") == "directive \"stream\" has no opening \"{\" in conf/x.conf:1")
    }

    /// A duplicate is reported even when the second value is also invalid (nginx checks it first).
    @Test func duplicateCheckedBeforeValue() {
        #expect(
            loadError("stream {\n preread_timeout 1s;\n preread_timeout junk;\n}")
                == "\"preread_timeout\" directive is duplicate in conf/x.conf:3")
    }
}
