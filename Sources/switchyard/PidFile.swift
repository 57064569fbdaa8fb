import Glibc
import SwitchyardReactor

/// The `pid` file: written at start, removed at exit, read by `-s`.
enum PidFile {
    static func write(_ path: String) throws(SysError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw SysError("open", errno: errno) }
        defer { close(fd) }
        var text = Array("\(getpid())\n".utf8)
        if Glibc.write(fd, &text, text.count) != text.count { throw SysError("write", errno: errno) }
    }

    static func read(_ path: String) throws(SysError) -> pid_t? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw SysError("open", errno: errno) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = Glibc.read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingWhitespace
        guard let pid = Int32(text), pid > 0 else { return nil }
        return pid
    }

    static func remove(_ path: String) {
        unlink(path)
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
