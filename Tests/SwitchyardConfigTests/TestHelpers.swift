import Glibc
import Testing

@testable import SwitchyardConfig

/// The file name the text-based tests pretend to read, so messages end in `conf/x.conf:N`.
let testFile = "conf/x.conf"

/// Parses `text` as `conf/x.conf` and returns the error exactly as the CLI would print it
/// after `[emerg] `, or nil when the configuration is valid.
func loadError(_ text: String, file: String = testFile) -> String? {
    do {
        _ = try ConfigLoader.parse(text: text, file: file)
        return nil
    } catch {
        return error.description
    }
}

/// Parses `text` and fails the test with the error when it is invalid.
func load(_ text: String, file: String = testFile, sourceLocation: Testing.SourceLocation = #_sourceLocation)
    throws -> Configuration
{
    do {
        return try ConfigLoader.parse(text: text, file: file)
    } catch {
        Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Wraps a stream server body in the minimum a valid configuration needs.
func streamServer(_ body: String) -> String {
    "stream {\n    server {\n\(body)\n    }\n}\n"
}

/// Wraps an http server body the same way; the body's first line is line 3.
func httpServer(_ body: String) -> String {
    "http {\n    server {\n\(body)\n    }\n}\n"
}

/// The only server of an http configuration.
func onlyHTTPServer(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> HTTPServerConfig {
    try #require(try load(text, sourceLocation: sourceLocation).http?.servers.first, sourceLocation: sourceLocation)
}

func location(_ line: Int, _ file: String = testFile) -> SwitchyardConfig.SourceLocation {
    SwitchyardConfig.SourceLocation(file: file, line: line)
}

/// A scratch directory of real files for include tests, removed when the value goes away.
final class TemporaryDirectory {
    let path: String
    private var created: [String] = []

    init() {
        var template = Array("/tmp/switchyard-config-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let made else { preconditionFailure("mkdtemp failed") }
        path = made
    }

    /// Writes `contents` to `relative` under the directory, creating folders, and returns the full path.
    @discardableResult
    func write(_ relative: String, _ contents: String) -> String {
        var folder = path
        for component in relative.split(separator: "/").dropLast() {
            folder += "/\(component)"
            if mkdir(folder, 0o755) == 0 { created.append(folder) }
        }
        let full = "\(path)/\(relative)"
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot create \(full)")
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        precondition(written == bytes.count)
        close(fd)
        created.append(full)
        return full
    }

    deinit {
        for item in created.reversed() where unlink(item) != 0 {
            rmdir(item)
        }
        rmdir(path)
    }
}
