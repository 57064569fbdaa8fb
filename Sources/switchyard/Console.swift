import Glibc

/// Writes to stderr through fd 2 (the C `stderr` global is not concurrency-safe in Swift 6).
enum Console {
    static func say(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    static func emerg(_ message: String) { say("switchyard: [emerg] \(message)") }
    static func error(_ message: String) { say("switchyard: [error] \(message)") }
}
