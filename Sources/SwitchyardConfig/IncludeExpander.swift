import Glibc

/// Expands `include PATTERN;` at parse time, wherever it is written.
///
/// As in nginx, a relative pattern is resolved against the directory of the main file (nginx's
/// conf prefix), not against the file that contains the `include`. A plain path that does not
/// exist is an error; a wildcard that matches nothing is not. nginx itself would recurse until
/// it ran out of file descriptors on an include cycle; here a cycle, or nesting deeper than
/// `maxDepth`, is a clear error instead.
struct IncludeExpander {
    static let directiveName = "include"
    static let maxDepth = 32

    /// The main file's directory with its trailing slash, or "" for a file in the working directory.
    let prefix: String
    /// The files being parsed, outermost first, by their resolved paths.
    private var openFiles: [String] = []

    init(mainFile: String) {
        if let slash = mainFile.lastIndex(of: "/") {
            prefix = String(mainFile[...slash])
        } else {
            prefix = ""
        }
    }

    mutating func parseMain(bytes: [UInt8], file: String) throws(ConfigError) -> [Directive] {
        try parse(bytes: bytes, file: file)
    }

    mutating func expand(_ include: Directive) throws(ConfigError) -> [Directive] {
        guard include.args.count == 1 else {
            throw ConfigError("invalid number of arguments in \"include\" directive", at: include.location)
        }
        let path = resolve(include.args[0].text)
        let files: [String]
        do {
            files = Glob.isPattern(path) ? try Glob.expand(path) : [path]
        } catch {
            throw ConfigError(error.message, at: include.location)
        }

        var directives: [Directive] = []
        for file in files {
            if openFiles.contains(Self.identity(of: file)) {
                throw ConfigError("recursive include of \"\(file)\"", at: include.location)
            }
            if openFiles.count > Self.maxDepth {
                throw ConfigError(
                    "include of \"\(file)\" is nested too deeply (more than \(Self.maxDepth) levels)",
                    at: include.location)
            }
            let bytes: [UInt8]
            do {
                bytes = try SourceFile.read(file)
            } catch {
                throw ConfigError(error.message, at: include.location)
            }
            directives += try parse(bytes: bytes, file: file)
        }
        return directives
    }

    func resolve(_ pattern: String) -> String {
        pattern.hasPrefix("/") ? pattern : prefix + pattern
    }

    private mutating func parse(bytes: [UInt8], file: String) throws(ConfigError) -> [Directive] {
        openFiles.append(Self.identity(of: file))
        defer { openFiles.removeLast() }
        var parser = Parser(lexer: Lexer(bytes: bytes, file: file))
        return try parser.parseFile(includes: &self)
    }

    /// The path with symlinks and `..` resolved, so `a.conf` and `./a.conf` are one file; the
    /// path as given when it does not exist (a main file parsed from text).
    private static func identity(of path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
