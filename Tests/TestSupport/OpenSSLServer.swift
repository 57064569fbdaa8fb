import Glibc

/// The `openssl` command-line tool, for TLS backends and certificates in end-to-end tests.
public enum OpenSSL {
    public static let path = "/usr/bin/openssl"

    public static var isAvailable: Bool { access(path, X_OK) == 0 }

    /// Writes a self-signed RSA certificate for `commonName` (valid one day) and its key to
    /// `directory` as `<name>.pem` and `<name>.key`; returns both paths.
    public static func selfSignedCertificate(commonName: String, name: String, in directory: TempDirectory,
                                             timeout: Double = 20) throws -> (certificate: String, key: String) {
        let certificate = directory.file("\(name).pem"), key = directory.file("\(name).key")
        let log = directory.file("\(name)-req.log")
        let pid = try SwitchyardProcess.spawn([path, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(commonName)",
                                               "-days", "1", "-keyout", key, "-out", certificate], stdout: log, stderr: log)
        let status = SwitchyardProcess.reap(pid, timeout: timeout)
        guard status == .exited(0) else {
            throw HarnessError("openssl req for \(commonName): \(status); \(TempDirectory.read(path: log) ?? "")")
        }
        return (certificate, key)
    }
}

/// A TLS backend on 127.0.0.1: `openssl s_server -WWW` serving the files of its own
/// directory (`id.txt` holds `identity`, so a client can tell which backend answered) with a
/// self-signed certificate for `serverName`. `-servername serverName -servername_fatal`
/// makes it refuse a ClientHello whose SNI names another host, so a connection routed to the
/// wrong backend fails instead of being served. One process, started and stopped by its pid;
/// `stop()` (also run by deinit) kills it and removes the directory.
public final class OpenSSLServer: Sendable {
    public let port: UInt16
    public let identity: String
    public let serverName: String
    public let directory: TempDirectory
    public let pid: pid_t
    public let logPath: String

    public init(serverName: String, identity: String, timeout: Double = 20) throws {
        let directory = try TempDirectory(prefix: "switchyard-tls")
        do {
            let (certificate, key) = try OpenSSL.selfSignedCertificate(commonName: serverName, name: "server", in: directory,
                                                                       timeout: timeout)
            let root = directory.file("www")
            guard mkdir(root, 0o755) == 0 else { throw HarnessError.system("mkdir(\(root))") }
            try directory.write("www/id.txt", identity + "\n")
            let port = try TCP.freePort()
            let logPath = directory.file("s_server.log")
            // -WWW serves paths relative to the working directory: `cd` there, then `exec`,
            // so the pid spawned is s_server's own.
            let command = "cd '\(root)' && exec \(OpenSSL.path) s_server -accept 127.0.0.1:\(port) -cert '\(certificate)' "
                + "-key '\(key)' -cert2 '\(certificate)' -key2 '\(key)' -servername \(serverName) -servername_fatal -WWW"
            let pid = try SwitchyardProcess.spawn(["/bin/sh", "-c", command], stdout: logPath, stderr: logPath)
            var exited = false
            let listening = waitUntil(timeout: timeout, interval: 0.02) {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { exited = true }
                return exited || Listeners.isListening(port: port)
            }
            guard listening, !exited else {
                if !exited { kill(pid, SIGKILL); _ = SwitchyardProcess.reap(pid, timeout: 5) }
                throw HarnessError("openssl s_server for \(serverName) did not listen on \(port): "
                    + (exited ? "it exited" : "timed out") + "; log: \(TempDirectory.read(path: logPath) ?? "")")
            }
            self.port = port
            self.pid = pid
            self.logPath = logPath
        } catch {
            directory.remove()
            throw error
        }
        self.identity = identity
        self.serverName = serverName
        self.directory = directory
    }

    deinit { stop() }

    /// What s_server has printed: `ACCEPT`, then one `FILE:id.txt` per file served, and an
    /// error line for each handshake it refused.
    public var log: String { TempDirectory.read(path: logPath) ?? "" }

    /// How many times it served `id.txt`.
    public var filesServed: Int { log.split(separator: "\n").filter { $0 == "FILE:id.txt" }.count }

    /// Lines of the log that report a failure (a refused SNI, a broken handshake).
    public var errorLines: [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains("error") || $0.contains("ERROR") }
    }

    /// Kills the process (SIGTERM, then SIGKILL after 5 s), reaps it, removes the directory;
    /// safe to call twice.
    public func stop() {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGTERM)
            _ = SwitchyardProcess.reap(pid, timeout: 5)
        }
        directory.remove()
    }
}
