import Testing

@testable import SwitchyardConfig

struct DirectiveTableTests {
    /// No two rows share a name in the same context, so a lookup is never ambiguous.
    @Test func rowsAreUniquePerContext() {
        for (name, rows) in DirectiveTable.byName {
            for (i, a) in rows.enumerated() {
                for b in rows[(i + 1)...] {
                    #expect(a.contexts.isDisjoint(with: b.contexts), "\(name)")
                }
            }
        }
    }

    /// The table holds exactly the directives the README documents.
    @Test func knownNames() {
        #expect(
            DirectiveTable.knownNames == [
                "access_log", "add_header", "alias", "client_body_timeout", "client_header_timeout",
                "client_max_body_size", "daemon", "echo", "error_log", "events", "hash", "health_check", "http", "include", "index",
                "internal", "ip_hash", "keepalive", "keepalive_requests", "keepalive_time", "keepalive_timeout",
                "large_client_header_buffers", "least_conn", "listen", "load_module", "location", "log_format", "map",
                "master_process", "multi_accept",
                "pid", "preread_buffer_size", "preread_timeout", "proxy_buffer_size", "proxy_buffering", "proxy_buffers",
                "proxy_busy_buffers_size", "proxy_connect_timeout",
                "proxy_half_close", "proxy_hide_header", "proxy_http_version", "proxy_next_upstream",
                "proxy_next_upstream_timeout", "proxy_next_upstream_tries", "proxy_pass", "proxy_pass_header",
                "proxy_pass_request_body", "proxy_pass_request_headers", "proxy_read_timeout", "proxy_redirect",
                "proxy_send_timeout", "proxy_set_header", "proxy_splice", "proxy_timeout", "random", "return", "root",
                "server", "server_name", "ssl_preread", "sticky", "stream", "upstream", "use", "websocket_echo",
                "worker_connections", "worker_processes", "worker_rlimit_nofile", "worker_shutdown_timeout", "zone",
            ])
    }

    /// An unknown directive with a close known name gets nginx's message plus a hint, at its line.
    @Test func unknownDirectiveWithSuggestion() {
        let text = String(repeating: "\n", count: 11) + "proxy_pas backend;\n"
        #expect(loadError(text) == "unknown directive \"proxy_pas\" (did you mean \"proxy_pass\"?) in conf/x.conf:12")
    }

    /// An unknown directive far from every name gets nginx's message alone.
    @Test func unknownDirectiveWithoutSuggestion() {
        #expect(loadError("lua_package_path x;\n") == "unknown directive \"lua_package_path\" in conf/x.conf:1")
    }

    /// Directive names are case-sensitive, as in nginx, with the right spelling suggested.
    @Test func namesAreCaseSensitive() {
        #expect(loadError("PID /x;") == "unknown directive \"PID\" (did you mean \"pid\"?) in conf/x.conf:1")
    }

    /// A known directive in the wrong block is "not allowed here".
    @Test func notAllowedHere() {
        #expect(loadError("\nlisten 80;") == "\"listen\" directive is not allowed here in conf/x.conf:2")
        #expect(loadError("stream {\n  pid /x;\n}") == "\"pid\" directive is not allowed here in conf/x.conf:2")
        #expect(
            loadError("events {\n  stream {}\n}") == "\"stream\" directive is not allowed here in conf/x.conf:2")
        #expect(
            loadError("stream {\n upstream u {\n  listen 80;\n }\n}")
                == "\"listen\" directive is not allowed here in conf/x.conf:3")
    }

    /// A block directive written with `;` has no opening brace.
    @Test func blockWithoutBrace() {
        #expect(loadError("stream;") == "directive \"stream\" has no opening \"{\" in conf/x.conf:1")
        #expect(
            loadError("stream {\n  server 127.0.0.1:80;\n}")
                == "directive \"server\" has no opening \"{\" in conf/x.conf:2")
    }

    /// A simple directive written with a block is not terminated by `;`.
    @Test func simpleDirectiveWithBlock() {
        #expect(loadError("pid /x { }") == "directive \"pid\" is not terminated by \";\" in conf/x.conf:1")
    }

    /// Argument counts are checked against the table.
    @Test func argumentCounts() {
        #expect(
            loadError(streamServer("listen 80;\nproxy_pass a b;"))
                == "invalid number of arguments in \"proxy_pass\" directive in conf/x.conf:4")
        #expect(loadError("pid;") == "invalid number of arguments in \"pid\" directive in conf/x.conf:1")
        #expect(loadError("events x {}") == "invalid number of arguments in \"events\" directive in conf/x.conf:1")
        #expect(
            loadError("stream { upstream {} }") == "invalid number of arguments in \"upstream\" directive in conf/x.conf:1")
        #expect(
            loadError(streamServer("listen 80;\necho x;"))
                == "invalid number of arguments in \"echo\" directive in conf/x.conf:4")
        #expect(
            loadError("error_log a error b;") == "invalid number of arguments in \"error_log\" directive in conf/x.conf:1")
        #expect(
            loadError("stream { proxy_half_close; }")
                == "invalid number of arguments in \"proxy_half_close\" directive in conf/x.conf:1")
    }

    /// A single-value directive set twice in one block is a duplicate.
    @Test func duplicates() {
        #expect(loadError("pid /a;\npid /b;") == "\"pid\" directive is duplicate in conf/x.conf:2")
        #expect(
            loadError("stream {\n proxy_timeout 1s;\n proxy_timeout 2s;\n}")
                == "\"proxy_timeout\" directive is duplicate in conf/x.conf:3")
        #expect(
            loadError("events {\n multi_accept on;\n multi_accept on;\n}")
                == "\"multi_accept\" directive is duplicate in conf/x.conf:3")
    }

    /// Flags take on or off, in any case, and nothing else.
    @Test func flags() throws {
        #expect(
            loadError(streamServer("listen 80;\necho;\nproxy_half_close yes;"))
                == "invalid value \"yes\" in \"proxy_half_close\" directive, it must be \"on\" or \"off\" in conf/x.conf:5")
        let config = try load(streamServer("listen 80;\necho;\nproxy_half_close ON;\nproxy_next_upstream \"off\";"))
        #expect(config.stream?.servers[0].proxyHalfClose == true)
        #expect(config.stream?.servers[0].proxyNextUpstream == false)
    }

    /// Unparsable times and sizes use nginx's "directive invalid value".
    @Test func invalidTimesAndSizes() {
        #expect(loadError("stream {\n proxy_timeout 5x;\n}") == "\"proxy_timeout\" directive invalid value in conf/x.conf:2")
        #expect(loadError("stream { proxy_connect_timeout 1M; }") == "\"proxy_connect_timeout\" directive invalid value in conf/x.conf:1")
        #expect(loadError("stream { preread_buffer_size 16q; }") == "\"preread_buffer_size\" directive invalid value in conf/x.conf:1")
    }

    /// Numbers must be digits and at least the row's minimum.
    @Test func invalidNumbers() {
        #expect(
            loadError("events {\n worker_connections many;\n}")
                == "\"worker_connections\" directive invalid number in conf/x.conf:2")
        #expect(
            loadError("events { worker_connections 0; }")
                == "invalid value \"0\" in \"worker_connections\" directive, it must be at least 1 in conf/x.conf:1")
        #expect(
            loadError("stream { proxy_next_upstream_tries -1; }")
                == "\"proxy_next_upstream_tries\" directive invalid number in conf/x.conf:1")
    }
}
