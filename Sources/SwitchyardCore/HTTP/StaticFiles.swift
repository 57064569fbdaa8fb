import Glibc
import SwitchyardConfig
import SwitchyardReactor

/// What a request for a file under `root` or `alias` comes to. The file is opened beneath
/// the document root with openat2, so `..`, absolute paths and symlinks out of the root
/// cannot reach anything outside it, whatever the URI decoded to.
enum StaticFileOutcome {
    case file(fd: Int32, size: Int, modified: Int, contentType: String)
    case notModified(modified: Int)
    /// A directory asked for without its slash: 301 to the URI with one.
    case addSlash
    case status(Int)
}

enum StaticFiles {
    /// `uri` is the normalized `$uri`; `prefix` the matched location's pattern (for alias).
    static func open(root: DocumentRoot, evaluator: VariableEvaluator, uri: String, locationPrefix: String?,
                     index: [String], ifModifiedSince: Int?, configDirectory: String,
                     directories: inout [String: Int32]) -> StaticFileOutcome {
        var base: String
        var relative: String
        switch root {
        case .root(let value):
            base = evaluator.evaluateString(value)
            relative = uri
        case .alias(let value):
            base = evaluator.evaluateString(value)
            if let prefix = locationPrefix, uri.hasPrefix(prefix) {
                relative = "/" + uri.dropFirst(prefix.count)
            } else {
                relative = uri
            }
        }
        if !base.hasPrefix("/") { base = configDirectory + "/" + base }
        let directory: Int32
        if let cached = directories[base] {
            directory = cached
        } else {
            do { directory = try Sys.openDirectory(base) } catch { return .status(404) }
            directories[base] = directory
        }
        var path = String(relative.drop(while: { $0 == "/" }))
        if path.isEmpty || relative.hasSuffix("/") {
            // A directory: the first index file that exists.
            for name in index {
                let candidate = path + name
                if let outcome = openFile(directory, candidate, ifModifiedSince: ifModifiedSince, allowDirectory: false) {
                    return outcome
                }
            }
            // The directory exists but has no index file: nginx's "directory index of ... is
            // forbidden" (403). A directory that does not exist is simply missing (404).
            if let fd = try? Sys.openBeneath(directory, path.isEmpty ? "." : path, flags: O_RDONLY | O_DIRECTORY) {
                Sys.close(fd)
                return .status(403)
            }
            return .status(404)
        }
        if path.hasSuffix("/") { path.removeLast() }
        return openFile(directory, path, ifModifiedSince: ifModifiedSince, allowDirectory: true) ?? .status(404)
    }

    /// nil when the file does not exist (so the next index name may be tried).
    private static func openFile(_ directory: Int32, _ path: String, ifModifiedSince: Int?, allowDirectory: Bool) -> StaticFileOutcome? {
        let fd: Int32
        do {
            fd = try Sys.openBeneath(directory, path, flags: O_RDONLY | O_NONBLOCK)
        } catch {
            switch error.errno {
            case ENOENT, ENOTDIR: return nil
            case EACCES, EPERM: return .status(403)
            default: return .status(404)  // EXDEV (outside the root), ELOOP...: not here
            }
        }
        guard let info = try? Sys.fileStatus(fd) else {
            Sys.close(fd)
            return .status(500)
        }
        let mode = info.st_mode & S_IFMT
        if mode == S_IFDIR {
            Sys.close(fd)
            return allowDirectory ? .addSlash : nil
        }
        guard mode == S_IFREG else {
            Sys.close(fd)
            return .status(404)
        }
        let modified = Int(info.st_mtim.tv_sec)
        if let since = ifModifiedSince, modified <= since {
            Sys.close(fd)
            return .notModified(modified: modified)
        }
        return .file(fd: fd, size: Int(info.st_size), modified: modified, contentType: MimeTypes.type(forPath: path))
    }
}
