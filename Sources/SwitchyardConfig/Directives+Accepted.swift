/// nginx directives whose job Switchyard does another way. They are read and checked as nginx
/// checks them (a bad value is still an error with its line), then have no effect, so an nginx
/// config loads as it is written.
enum AcceptedDirectives {
    /// `load_module`: the stream and http modules are built in; `daemon` and `master_process`:
    /// Switchyard is one foreground process with worker threads.
    static func anyValue(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {}

    static func flag(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard ["on", "off"].contains(directive.args[0].text.lowercased()) else { throw DirectiveErrors.invalidFlag(directive) }
    }

    /// `proxy_buffer_size` and `proxy_busy_buffers_size`: HTTP bodies stream through one
    /// fixed ring per direction and tunnels are spliced, so there is no buffer to size.
    static func size(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard Units.size(directive.args[0].text) != nil else { throw DirectiveErrors.invalidValue(directive) }
    }

    /// `proxy_buffers NUMBER SIZE`.
    static func buffers(_ builder: inout ConfigBuilder, _ directive: Directive) throws(ConfigError) {
        guard let count = Units.number(directive.args[0].text), count > 0, Units.size(directive.args[1].text) != nil else {
            throw DirectiveErrors.invalidValue(directive)
        }
    }
}
