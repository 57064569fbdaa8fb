import Testing
import TestSupport

extension Integration {
    /// The command line: `-t`, `-v`, and their exact nginx-style messages.
    @Suite struct CommandLineTests {
        /// `-t` on a valid config prints nginx's two success lines naming the file and exits 0.
        @Test func cli_testValidConfig() throws {
            let directory = try TempDirectory()
            defer { directory.remove() }
            let port = try TCP.freePort()
            let file = try directory.write("switchyard.conf", streamConfig(directory, """
                    upstream backends {
                        server 127.0.0.1:5001;
                        server 127.0.0.1:5002;
                    }
                    server {
                        listen 127.0.0.1:\(port);
                        proxy_pass backends;
                        proxy_connect_timeout 1s;
                        proxy_timeout 2s;
                        proxy_half_close on;
                    }
                """))
            let result = try SwitchyardProcess.run(["-t", "-c", file])
            #expect(result.status == .exited(0), "\(result)")
            #expect(result.stderr.contains("switchyard: the configuration file \(file) syntax is ok\n"), "\(result)")
            #expect(result.stderr.contains("switchyard: configuration file \(file) test is successful\n"), "\(result)")
            #expect(!Listeners.isListening(port: port))
        }

        /// `-t` on a config with a misspelt directive on line 5 prints the `[emerg]` line with
        /// the suggestion and FILE:5, then `test failed`, and exits 1.
        @Test func cli_testUnknownDirective() throws {
            let directory = try TempDirectory()
            defer { directory.remove() }
            // Line 5 holds the typo; the lines before it are valid.
            let file = try directory.write("switchyard.conf", """
                worker_processes 1;
                events { worker_connections 64; }
                stream {
                    server {
                        proxy_pas 127.0.0.1:5001;
                        listen 127.0.0.1:6000;
                    }
                }

                """)
            let result = try SwitchyardProcess.run(["-t", "-c", file])
            #expect(result.status == .exited(1), "\(result)")
            let emerg = "switchyard: [emerg] unknown directive \"proxy_pas\" (did you mean \"proxy_pass\"?) in \(file):5\n"
            #expect(result.stderr.contains(emerg), "\(result)")
            #expect(result.stderr.contains("switchyard: configuration file \(file) test failed\n"), "\(result)")
            #expect(!result.stderr.contains("syntax is ok"), "\(result)")
        }

        /// `-t` on a file that does not exist prints nginx's `open() ... failed (2: No such
        /// file or directory)` line and `test failed`, and exits 1.
        @Test func cli_testMissingFile() throws {
            let directory = try TempDirectory()
            defer { directory.remove() }
            let file = directory.file("absent.conf")
            let result = try SwitchyardProcess.run(["-t", "-c", file])
            #expect(result.status == .exited(1), "\(result)")
            #expect(result.stderr.contains("switchyard: [emerg] open() \"\(file)\" failed (2: No such file or directory)"), "\(result)")
            #expect(result.stderr.contains("switchyard: configuration file \(file) test failed\n"), "\(result)")
        }

        /// `-v` prints `switchyard version ...` to stderr and exits 0.
        @Test func cli_version() throws {
            let result = try SwitchyardProcess.run(["-v"])
            #expect(result.status == .exited(0), "\(result)")
            #expect(result.stderr.hasPrefix("switchyard version "), "\(result)")
        }

        /// The shipped `conf/switchyard.conf` passes `-t`.
        @Test func cli_shippedConfigIsValid() throws {
            let file = repositoryRoot() + "/conf/switchyard.conf"
            let result = try SwitchyardProcess.run(["-t", "-c", file])
            #expect(result.status == .exited(0), "\(result)")
            #expect(result.stderr.contains("switchyard: configuration file \(file) test is successful\n"), "\(result)")
        }

        /// The package root, three levels above this file.
        private func repositoryRoot(file: String = #filePath) -> String {
            file.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        }
    }
}
