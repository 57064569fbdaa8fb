import Glibc

/// Reads configuration files whole. Errors are worded as nginx words them
/// (`open() "conf/x.conf" failed (2: No such file or directory)`) and carry no location: the
/// caller knows whether a directive asked for the file.
enum SourceFile {
    private static let chunkSize = 64 * 1024

    static func read(_ path: String) throws(ConfigError) -> [UInt8] {
        let fd = openRetryingInterrupts(path)
        guard fd >= 0 else { throw failure("open()", path, errno) }
        defer { close(fd) }

        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                contents += chunk[0..<count]
            } else if count == 0 {
                return contents
            } else if errno != EINTR {
                // A directory opens fine and fails here with EISDIR.
                throw failure("read()", path, errno)
            }
        }
    }

    static func failure(_ call: String, _ path: String, _ code: Int32) -> ConfigError {
        ConfigError("\(call) \"\(path)\" failed (\(code): \(String(cString: strerror(code))))")
    }

    private static func openRetryingInterrupts(_ path: String) -> Int32 {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 || errno != EINTR { return fd }
        }
    }
}
