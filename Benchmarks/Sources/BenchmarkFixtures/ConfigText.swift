/// Generated configurations in nginx's language, shaped like a real multi-site file:
/// http sites with an upstream, WebSocket and API locations, and stream routes.
public enum ConfigText {
    /// A configuration of at least `lines` lines, every address on loopback and every name
    /// unique. Whole site blocks are added until it is long enough, so it runs over: 500
    /// asks for 529 lines (13 http sites, 5 stream routes).
    public static func generate(lines target: Int = 500) -> String {
        var http: [String] = []
        var stream: [String] = []
        var site = 0
        // The 19 lines around the blocks, written below.
        while 19 + http.count + stream.count < target {
            http += httpSite(site)
            if site % 3 == 0 { stream += streamRoute(site) }
            site += 1
        }
        return ([
            "# Generated for the config micro benchmark: \(site) http sites.",
            "worker_processes 2;",
            "error_log stderr notice;",
            "pid /tmp/switchyard-bench.pid;",
            "",
            "events {",
            "    worker_connections 4096;",
            "}",
            "",
            "http {",
            "    map $http_upgrade $connection_upgrade {",
            "        default upgrade;",
            "        ''      close;",
            "    }",
            "",
        ] + http + ["}", "", "stream {"] + stream + ["}"]).joined(separator: "\n") + "\n"
    }

    private static func httpSite(_ site: Int) -> [String] {
        let port = 10_000 + site
        return [
            "    upstream app_\(site) {",
            "        server 127.0.0.1:\(20_000 + site * 2) weight=2 max_fails=3 fail_timeout=30s;",
            "        server 127.0.0.1:\(20_001 + site * 2);",
            "    }",
            "",
            "    server {",
            "        listen 127.0.0.1:\(port);",
            "        server_name site\(site).example.com www.site\(site).example.com;",
            "        proxy_http_version 1.1;",
            "        proxy_set_header Host $host;",
            "        proxy_set_header X-Real-IP $remote_addr;",
            "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "",
            "        location / {",
            "            proxy_pass http://app_\(site);",
            "            proxy_read_timeout 30s;",
            "        }",
            "",
            "        location /ws {",
            "            proxy_pass http://app_\(site);",
            "            proxy_set_header Upgrade $http_upgrade;",
            "            proxy_set_header Connection $connection_upgrade;",
            "            proxy_read_timeout 1h;",
            "        }",
            "",
            "        location ~ ^/api/v[0-9]+/ {",
            "            proxy_pass http://app_\(site);",
            "            client_max_body_size 8m;",
            "        }",
            "",
            "        location = /health {",
            "            return 200 \"ok\\n\";",
            "        }",
            "    }",
            "",
        ]
    }

    private static func streamRoute(_ site: Int) -> [String] {
        [
            "    upstream tcp_\(site) {",
            "        server 127.0.0.1:\(40_000 + site);",
            "    }",
            "",
            "    server {",
            "        listen 127.0.0.1:\(30_000 + site);",
            "        proxy_pass tcp_\(site);",
            "        proxy_connect_timeout 5s;",
            "        proxy_timeout 10m;",
            "    }",
            "",
        ]
    }
}
