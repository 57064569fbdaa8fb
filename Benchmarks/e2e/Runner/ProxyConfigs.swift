/// The configurations each proxy runs with: the same routes everywhere (TCP to the sink/source,
/// `/` to the keep-alive HTTP responder through an upstream keep-alive pool, `/ws` to the
/// WebSocket echo), one worker or thread, no access log.
enum ProxyConfigs {
    /// nginx's config, which Switchyard also reads as it is (the point of the product): the
    /// nginx-only lines are accepted there with no effect.
    static func nginx(ports: Ports, dir: String, tuned: Bool, hybrid: Bool = false, httpPort: Int? = nil, withStream: Bool = true, httpExtra: String = "") -> String {
        let http = httpPort ?? (hybrid ? ports.hybrid : ports.proxyHTTP)
        let tcp = hybrid ? ports.hybrid : ports.proxyTCP
        // 64 KiB relay buffers: nginx's upgraded connections and stream sessions copy through
        // one buffer of proxy_buffer_size, whose 4-16 KiB default caps large messages.
        let httpBuffers = tuned ? "\n    proxy_buffer_size 64k;\n    proxy_buffers 8 64k;\n    proxy_busy_buffers_size 128k;" : ""
        let streamBuffers = tuned ? "\n    proxy_buffer_size 64k;" : ""
        let stream = withStream ? """

            stream {\(streamBuffers)
                server {
                    listen 127.0.0.1:\(tcp) backlog=4096;
                    proxy_pass 127.0.0.1:\(ports.backendTCP);
                }
            }
            """ : ""
        return """
            load_module /usr/lib/nginx/modules/ngx_stream_module.so;
            worker_processes 1;
            daemon off;
            master_process off;
            worker_rlimit_nofile 20000;
            error_log \(dir)/error.log warn;
            pid \(dir)/proxy.pid;

            events {
                worker_connections 19000;
            }

            http {
                access_log off;\(httpBuffers)\(httpExtra)
                upstream http_backend {
                    server 127.0.0.1:\(ports.backendHTTP);
                    keepalive 64;
                }
                upstream ws_backend {
                    server 127.0.0.1:\(ports.backendWS);
                }
                server {
                    listen 127.0.0.1:\(http) backlog=4096;
                    location / {
                        proxy_pass http://http_backend;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }
                    location /ws {
                        proxy_pass http://ws_backend;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection "upgrade";
                        proxy_read_timeout 1h;
                        proxy_send_timeout 1h;
                    }
                }
            }
            """ + stream + "\n"
    }

    /// HAProxy with one thread. `splice`: `option splice-auto`, HAProxy's zero-copy relay.
    /// `onePort`: one TCP frontend that switches to HTTP when the first bytes are HTTP
    /// (`tcp-request content switch-mode http`), HAProxy's way to serve both on one port.
    static func haproxy(ports: Ports, splice: Bool, onePort: Bool) -> String {
        var text = """
            global
                nbthread 1
                # 8,000 idle tunnels need 8,000 connections; with its pipes HAProxy then
                # asks for about 2 × maxconn + 2 × maxpipes descriptors, under the 20,000 cap.
                maxconn 8100
                maxpipes 900

            defaults
                timeout connect 5s
                timeout client 1h
                timeout server 1h
                timeout tunnel 1h
                timeout http-keep-alive 1h
            \(splice ? "    option splice-auto\n" : "")
            backend http_backend
                mode http
                http-reuse always
                server s1 127.0.0.1:\(ports.backendHTTP)

            backend ws_backend
                mode http
                server s1 127.0.0.1:\(ports.backendWS)

            backend tcp_backend
                mode tcp
                server s1 127.0.0.1:\(ports.backendTCP)

            """
        if onePort {
            text += """

                frontend one_port
                    mode tcp
                    bind 127.0.0.1:\(ports.hybrid)
                    tcp-request inspect-delay 1s
                    tcp-request content switch-mode http if HTTP
                    use_backend ws_backend if HTTP { path_beg /ws }
                    use_backend http_backend if HTTP
                    default_backend tcp_backend

                """
        } else {
            text += """

                frontend http_in
                    mode http
                    bind 127.0.0.1:\(ports.proxyHTTP)
                    option http-keep-alive
                    use_backend ws_backend if { path_beg /ws }
                    default_backend http_backend

                frontend tcp_in
                    mode tcp
                    bind 127.0.0.1:\(ports.proxyTCP)
                    default_backend tcp_backend

                """
        }
        return text
    }

    /// Switchyard's hybrid port: the same `listen` in `http` and `stream`.
    static func switchyardHybrid(ports: Ports, dir: String) -> String {
        nginx(ports: ports, dir: dir, tuned: false, hybrid: true)
    }
}
