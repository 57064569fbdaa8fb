import Foundation
import Glibc

/// A fresh directory from mkdtemp(3) for one test's config, pid file and logs.
public final class TempDirectory: Sendable {
    public let path: String

    public init(prefix: String = "switchyard-it") throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError.system("mkdtemp")
        }
        path = String(cString: made)
    }

    /// The absolute path of `name` inside the directory.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        guard FileManager.default.createFile(atPath: target, contents: Data(text.utf8)) else {
            throw HarnessError("cannot write \(target)")
        }
        return target
    }

    /// The file's text, or nil when it does not exist.
    public func read(_ name: String) -> String? {
        TempDirectory.read(path: file(name))
    }

    public static func read(path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
