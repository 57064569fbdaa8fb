import Testing

@testable import SwitchyardConfig

struct ConfigLoaderTests {
    private static let realistic = """
        # Switchyard: TCP front for a database pool and an echo service.
        worker_processes 4;
        worker_rlimit_nofile 65536;
        error_log /var/log/switchyard/error.log warn;
        pid /run/switchyard.pid;

        events {
            worker_connections 4096;
            multi_accept on;
            use epoll;
        }

        stream {
            proxy_connect_timeout 3s;
            proxy_timeout 10m;
            proxy_next_upstream_tries 2;

            upstream postgres {
                server 10.0.0.11:5432 weight=3 max_fails=2 fail_timeout=15s;
                server 10.0.0.12:5432;
                server 10.0.0.13:5432 backup;
            }

            server {
                listen 5432 reuseport backlog=4096;
                listen [::]:5432;
                proxy_pass postgres;
                proxy_timeout "1h 30m";
                proxy_half_close on;
            }

            server {
                listen 127.0.0.1:7007;
                echo;
                preread_buffer_size 4k;
            }

            server {
                listen localhost:6380;
                proxy_pass 10.0.0.20:6379;  # redis
                proxy_next_upstream off;
            }
        }
        """

    /// A realistic configuration becomes exactly the snapshot it describes.
    @Test func realisticRoundTrip() throws {
        let config = try load(Self.realistic, file: "conf/switchyard.conf")
        let file = "conf/switchyard.conf"
        #expect(config.file == file)
        #expect(config.workerProcesses == 4)
        #expect(config.workerRlimitNofile == 65536)
        #expect(config.errorLog == ErrorLogConfig(path: "/var/log/switchyard/error.log", level: .warn))
        #expect(config.pidPath == "/run/switchyard.pid")
        #expect(config.workerConnections == 4096)
        #expect(config.multiAccept)

        let stream = try #require(config.stream)
        #expect(stream.upstreams.map(\.name) == ["postgres"])
        let pool = try #require(stream.upstream(named: "postgres"))
        #expect(pool.servers == [
            UpstreamServerConfig(
                address: HostPort(host: "10.0.0.11", port: 5432), weight: 3, maxFails: 2,
                failTimeout: .seconds(15), location: location(19, file)),
            UpstreamServerConfig(address: HostPort(host: "10.0.0.12", port: 5432), location: location(20, file)),
            UpstreamServerConfig(
                address: HostPort(host: "10.0.0.13", port: 5432), backup: true, location: location(21, file)),
        ])

        #expect(stream.servers.count == 3)
        let db = stream.servers[0]
        #expect(db.location == location(24, file))
        #expect(db.listens == [
            ListenConfig(
                address: HostPort(host: "0.0.0.0", port: 5432), reuseport: true, backlog: 4096,
                location: location(25, file)),
            ListenConfig(address: HostPort(host: "::", port: 5432), location: location(26, file)),
        ])
        #expect(db.handler == .upstream("postgres"))
        #expect(db.proxyConnectTimeout == .seconds(3))
        #expect(db.proxyTimeout == .seconds(5400))
        #expect(db.proxyNextUpstream == true)
        #expect(db.proxyNextUpstreamTries == 2)
        #expect(db.proxyNextUpstreamTimeout == .zero)
        #expect(db.proxyHalfClose == true)
        #expect(db.prereadTimeout == .seconds(30))
        #expect(db.prereadBufferSize == 16384)
        #expect(db.errorLog == config.errorLog)

        let echo = stream.servers[1]
        #expect(echo.listens.map(\.address) == [HostPort(host: "127.0.0.1", port: 7007)])
        #expect(echo.handler == .echo)
        #expect(echo.proxyTimeout == .seconds(600))
        #expect(echo.prereadBufferSize == 4096)

        let redis = stream.servers[2]
        #expect(redis.listens.map(\.address) == [HostPort(host: "localhost", port: 6380)])
        #expect(redis.handler == .address(HostPort(host: "10.0.0.20", port: 6379)))
        #expect(redis.proxyNextUpstream == false)
        #expect(redis.proxyConnectTimeout == .seconds(3))
    }

    /// `load(file:)` reads a real file and gives the same snapshot as `parse(text:file:)`.
    @Test func loadsFromDisk() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("switchyard.conf", Self.realistic)
        let fromDisk = try ConfigLoader.load(file: path)
        let fromText = try ConfigLoader.parse(text: Self.realistic, file: path)
        #expect(fromDisk.file == path)
        #expect(fromDisk.stream?.servers.map(\.handler) == fromText.stream?.servers.map(\.handler))
        #expect(fromDisk.stream?.servers.first?.location == location(24, path))
    }

    /// A main file that cannot be opened is nginx's open() error, without a location.
    @Test func missingMainFile() {
        #expect(throws: ConfigError(message: "open() \"conf/nope.conf\" failed (2: No such file or directory)")) {
            try ConfigLoader.load(file: "conf/nope.conf")
        }
    }

    /// A directory given as the main file fails at read().
    @Test func directoryAsMainFile() {
        let dir = TemporaryDirectory()
        #expect(throws: ConfigError(message: "read() \"\(dir.path)\" failed (21: Is a directory)")) {
            try ConfigLoader.load(file: dir.path)
        }
    }

    /// `tree(text:file:)` exposes the parsed directives without checking them.
    @Test func treeSkipsValidation() throws {
        let tree = try ConfigLoader.tree(text: "anything goes here;\n", file: testFile)
        #expect(tree == [
            Directive(
                name: "anything",
                args: [Argument(text: "goes", location: location(1)), Argument(text: "here", location: location(1))],
                location: location(1))
        ])
    }

    /// Relative includes in `parse(text:file:)` resolve against the directory of `file`.
    @Test func parseTextResolvesIncludesFromFileDirectory() throws {
        let dir = TemporaryDirectory()
        dir.write("servers.conf", "server { listen 9; echo; }\n")
        let config = try ConfigLoader.parse(text: "stream { include servers.conf; }", file: "\(dir.path)/virtual.conf")
        #expect(config.stream?.servers.first?.listens.first?.address == HostPort(host: "0.0.0.0", port: 9))
    }
}
