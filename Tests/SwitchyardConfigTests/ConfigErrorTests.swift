import Testing

@testable import SwitchyardConfig

struct ConfigErrorTests {
    /// An error tied to a directive prints nginx's ` in FILE:LINE` suffix.
    @Test func describesLocation() {
        let error = ConfigError(message: "unknown directive \"x\"", location: location(3))
        #expect(error.description == "unknown directive \"x\" in conf/x.conf:3")
    }

    /// An error about a whole file prints the message alone.
    @Test func omitsMissingLocation() {
        let error = ConfigError(message: "open() \"conf/x.conf\" failed (2: No such file or directory)")
        #expect(error.description == "open() \"conf/x.conf\" failed (2: No such file or directory)")
    }
}
