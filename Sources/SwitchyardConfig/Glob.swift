import Glibc

/// Shell-style wildcards for `include`, through glob(3) as nginx's `ngx_open_glob` does.
enum Glob {
    /// nginx treats a path as a pattern exactly when it contains one of these.
    static func isPattern(_ path: String) -> Bool {
        path.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// The matching paths in byte order; none is not an error (`include conf.d/*.conf;` with an
    /// empty directory is normal).
    static func expand(_ pattern: String) throws(ConfigError) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        let result = glob(pattern, 0, nil, &matches)
        if result == GLOB_NOMATCH { return [] }
        guard result == 0 else { throw ConfigError("glob() \"\(pattern)\" failed") }

        var paths: [String] = []
        for i in 0..<Int(matches.gl_pathc) {
            if let path = matches.gl_pathv[i] { paths.append(String(cString: path)) }
        }
        // glob(3) sorts with strcoll; sorting by bytes keeps the order independent of the locale.
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
