import Testing

@testable import SwitchyardConfig

/// nginx lines with no job here still load, so a config written for nginx runs unchanged, and
/// their values are still checked.
struct AcceptedDirectivesTests {
    /// The head of a Debian nginx config and the buffer tuning users add for WebSocket.
    @Test func nginxOnlyLinesLoad() throws {
        _ = try load(
            """
            load_module /usr/lib/nginx/modules/ngx_stream_module.so;
            daemon off;
            master_process off;
            events {}
            http {
                proxy_buffer_size 64k;
                proxy_buffers 8 64k;
                proxy_busy_buffers_size 128k;
                server { listen 127.0.0.1:8080; location / { proxy_buffer_size 8k; return 200; } }
            }
            stream {
                proxy_buffer_size 64k;
                server { listen 127.0.0.1:9000; proxy_buffer_size 32k; proxy_pass 127.0.0.1:9001; }
            }
            """)
    }

    @Test func badValuesAreErrors() {
        #expect(loadError("\n daemon maybe;") == "invalid value \"maybe\" in \"daemon\" directive, it must be \"on\" or \"off\" in conf/x.conf:2")
        #expect(loadError("http {\n proxy_buffer_size lots;\n}") == "\"proxy_buffer_size\" directive invalid value in conf/x.conf:2")
        #expect(loadError("http {\n proxy_buffers 0 4k;\n}") == "\"proxy_buffers\" directive invalid value in conf/x.conf:2")
        #expect(loadError("http {\n proxy_buffers 8;\n}") == "invalid number of arguments in \"proxy_buffers\" directive in conf/x.conf:2")
        #expect(loadError("stream {\n load_module x.so;\n}") == "\"load_module\" directive is not allowed here in conf/x.conf:2")
    }
}
