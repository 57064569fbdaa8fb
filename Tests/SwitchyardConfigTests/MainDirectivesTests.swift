import Testing

@testable import SwitchyardConfig

struct MainDirectivesTests {
    /// An empty file is valid and yields the documented defaults.
    @Test func defaults() throws {
        let config = try load("")
        #expect(config.file == testFile)
        #expect(config.workerProcesses == nil)
        #expect(config.workerRlimitNofile == nil)
        #expect(config.errorLog == ErrorLogConfig(path: "stderr", level: .error))
        #expect(config.pidPath == nil)
        #expect(config.workerConnections == 512)
        #expect(config.multiAccept == false)
        #expect(config.stream == nil)
    }

    /// `worker_processes` takes `auto` (nil) or a positive count.
    @Test func workerProcesses() throws {
        #expect(try load("worker_processes auto;").workerProcesses == nil)
        #expect(try load("worker_processes 4;").workerProcesses == 4)
    }

    /// Zero, junk and a second `worker_processes` are errors.
    @Test func badWorkerProcesses() {
        let expected = "it must be \"auto\" or a positive number in conf/x.conf:1"
        #expect(loadError("worker_processes 0;") == "invalid value \"0\" in \"worker_processes\" directive, \(expected)")
        #expect(loadError("worker_processes many;") == "invalid value \"many\" in \"worker_processes\" directive, \(expected)")
        #expect(
            loadError("worker_processes 1;\nworker_processes auto;")
                == "\"worker_processes\" directive is duplicate in conf/x.conf:2")
    }

    /// `error_log PATH [LEVEL]`; the level defaults to error.
    @Test func errorLog() throws {
        #expect(try load("error_log /var/log/s.log;").errorLog == ErrorLogConfig(path: "/var/log/s.log", level: .error))
        #expect(try load("error_log stderr debug;").errorLog == ErrorLogConfig(path: "stderr", level: .debug))
        #expect(try load("error_log a warn;\nerror_log b notice;").errorLog == ErrorLogConfig(path: "b", level: .notice))
    }

    /// A level nginx does not know is named in the error.
    @Test func badLogLevel() {
        #expect(loadError("\nerror_log stderr verbose;") == "invalid log level \"verbose\" in conf/x.conf:2")
    }

    /// Stream servers log to their own `error_log`, else the stream one, else the main one.
    @Test func errorLogInheritance() throws {
        let config = try load(
            """
            error_log main.log crit;
            stream {
                error_log stream.log info;
                server { listen 1; echo; }
                server { listen 2; echo; error_log server.log debug; }
            }
            """)
        #expect(config.errorLog == ErrorLogConfig(path: "main.log", level: .crit))
        #expect(config.stream?.servers[0].errorLog == ErrorLogConfig(path: "stream.log", level: .info))
        #expect(config.stream?.servers[1].errorLog == ErrorLogConfig(path: "server.log", level: .debug))

        let plain = try load("error_log main.log alert;\nstream { server { listen 1; echo; } }")
        #expect(plain.stream?.servers[0].errorLog == ErrorLogConfig(path: "main.log", level: .alert))
    }

    /// `events {}` sets connections, multi_accept and the (only) event method.
    @Test func events() throws {
        let config = try load("events {\n worker_connections 4096;\n multi_accept on;\n use epoll;\n}")
        #expect(config.workerConnections == 4096)
        #expect(config.multiAccept == true)
    }

    /// Event methods other than epoll are refused; `events` may appear once.
    @Test func badEvents() {
        #expect(loadError("events {\n use kqueue;\n}") == "invalid event type \"kqueue\" in conf/x.conf:2")
        #expect(loadError("events { use epoll; use epoll; }") == "\"use\" directive is duplicate in conf/x.conf:1")
        #expect(loadError("events {}\nevents {}") == "\"events\" directive is duplicate in conf/x.conf:2")
    }

    /// `worker_shutdown_timeout` defaults to 30 s and takes nginx's time syntax.
    @Test func workerShutdownTimeout() throws {
        #expect(try load("").workerShutdownTimeout == .seconds(30))
        #expect(try load("worker_shutdown_timeout 1500ms;").workerShutdownTimeout == .milliseconds(1500))
    }

    /// `pid` and `worker_rlimit_nofile` are stored as written.
    @Test func pidAndRlimit() throws {
        let config = try load("pid /run/switchyard.pid;\nworker_rlimit_nofile 65536;")
        #expect(config.pidPath == "/run/switchyard.pid")
        #expect(config.workerRlimitNofile == 65536)
    }
}
