import Foundation
import Glibc

/// Building a tree of files under a `TempDirectory` for tests that serve static files:
/// directories, files with exact bytes, symlinks, and a fixed modification time.
extension TempDirectory {
    /// Creates `name` (and any missing parents) as a directory; returns its absolute path.
    @discardableResult
    public func makeDirectory(_ name: String) throws -> String {
        let target = file(name)
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        } catch {
            throw HarnessError("cannot create directory \(target): \(error)")
        }
        return target
    }

    /// Writes exactly `bytes` to `name`; returns its absolute path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let target = file(name)
        guard FileManager.default.createFile(atPath: target, contents: Data(bytes)) else {
            throw HarnessError("cannot write \(target)")
        }
        return target
    }

    /// Makes `name` a symbolic link whose content is `destination` (absolute or relative to
    /// the link's directory, as symlink(2) takes it).
    @discardableResult
    public func symlink(_ name: String, to destination: String) throws -> String {
        let target = file(name)
        guard Glibc.symlink(destination, target) == 0 else { throw HarnessError.system("symlink(\(target) -> \(destination))") }
        return target
    }

    /// Sets the access and modification times of `name` to `seconds` since the epoch (whole
    /// seconds, as HTTP dates carry them).
    public func setModified(_ name: String, seconds: Int) throws {
        let target = file(name)
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        guard utimensat(AT_FDCWD, target, &times, 0) == 0 else { throw HarnessError.system("utimensat(\(target))") }
    }
}
