import Testing

@testable import SwitchyardConfig

struct IncludeExpanderTests {
    /// Loads `file` through the directive table too, so directive errors surface.
    private func error(_ file: String) -> String? {
        do {
            _ = try ConfigLoader.load(file: file)
            return nil
        } catch {
            return error.description
        }
    }

    /// A glob expands in byte order, relative to the main file's directory, and the included
    /// directives are located in the included files.
    @Test func globIsSortedAndLocated() throws {
        let dir = TemporaryDirectory()
        dir.write("conf.d/b.conf", "pid /b;\n")
        dir.write("conf.d/a.conf", "\nworker_processes 1;\n")
        dir.write("conf.d/skip.txt", "nonsense\n")
        let main = dir.write("nginx.conf", "events {}\ninclude conf.d/*.conf;\nstream {}\n")

        let directives = try ConfigLoader.tree(file: main)
        #expect(directives.map(\.name) == ["events", "worker_processes", "pid", "stream"])
        #expect(directives[1].location == location(2, "\(dir.path)/conf.d/a.conf"))
        #expect(directives[2].location == location(1, "\(dir.path)/conf.d/b.conf"))
        #expect(directives[3].location == location(3, main))
    }

    /// `?` and `[...]` are wildcards too.
    @Test func otherWildcards() throws {
        let dir = TemporaryDirectory()
        dir.write("s1.conf", "a;")
        dir.write("s2.conf", "b;")
        dir.write("s3.conf", "c;")
        let main = dir.write("nginx.conf", "include s?.conf; include s[13].conf;")
        #expect(try ConfigLoader.tree(file: main).map(\.name) == ["a", "b", "c", "a", "c"])
    }

    /// An include inside a block contributes directives to that block.
    @Test func includeInsideBlock() throws {
        let dir = TemporaryDirectory()
        dir.write("servers/one.conf", "server { listen 1; echo; }\n")
        let main = dir.write("nginx.conf", "stream {\n    include servers/*.conf;\n}\n")
        let config = try ConfigLoader.load(file: main)
        #expect(config.stream?.servers.first?.handler == .echo)
        #expect(config.stream?.servers.first?.location == location(1, "\(dir.path)/servers/one.conf"))
    }

    /// Relative paths resolve against the main file's directory even from a nested include.
    @Test func nestedIncludeResolvesFromMainDirectory() throws {
        let dir = TemporaryDirectory()
        dir.write("sub/inner.conf", "include leaf.conf;\n")
        dir.write("leaf.conf", "leaf;\n")
        let main = dir.write("nginx.conf", "include sub/inner.conf;\n")
        #expect(try ConfigLoader.tree(file: main).map(\.name) == ["leaf"])
    }

    /// An absolute path is used as written.
    @Test func absolutePath() throws {
        let dir = TemporaryDirectory()
        let other = dir.write("elsewhere/x.conf", "x;\n")
        let main = dir.write("main/nginx.conf", "include \(other);\n")
        #expect(try ConfigLoader.tree(file: main).map(\.name) == ["x"])
    }

    /// A wildcard that matches nothing is not an error (nginx).
    @Test func emptyGlobIsFine() throws {
        let dir = TemporaryDirectory()
        let main = dir.write("nginx.conf", "include conf.d/*.conf;\nok;\n")
        #expect(try ConfigLoader.tree(file: main).map(\.name) == ["ok"])
    }

    /// A plain path that does not exist is nginx's open() error at the include's line.
    @Test func missingPlainInclude() {
        let dir = TemporaryDirectory()
        let main = dir.write("nginx.conf", "events {}\n\ninclude missing.conf;\n")
        #expect(
            error(main)
                == "open() \"\(dir.path)/missing.conf\" failed (2: No such file or directory) in \(main):3")
    }

    /// An error inside an included file names that file and its line.
    @Test func errorInIncludedFileNamesIt() {
        let dir = TemporaryDirectory()
        let included = dir.write("conf.d/a.conf", "server {\n    proxy_pas x;\n}\n")
        let main = dir.write("nginx.conf", "stream {\n    include conf.d/a.conf;\n}\n")
        #expect(
            error(main) == "unknown directive \"proxy_pas\" (did you mean \"proxy_pass\"?) in \(included):2")
    }

    /// An included file is a file of its own: it cannot close the includer's block.
    @Test func includedFileCannotCloseBlock() {
        let dir = TemporaryDirectory()
        let included = dir.write("bad.conf", "a;\n}\n")
        let main = dir.write("nginx.conf", "stream {\ninclude bad.conf;\n")
        #expect(error(main) == "unexpected \"}\" in \(included):2")
    }

    /// An include cycle is an error at the include that closes the cycle.
    @Test func cycleIsAnError() {
        let dir = TemporaryDirectory()
        let b = dir.write("b.conf", "include a.conf;\n")
        dir.write("a.conf", "\ninclude b.conf;\n")
        let main = dir.write("nginx.conf", "include a.conf;\n")
        #expect(error(main) == "recursive include of \"\(dir.path)/a.conf\" in \(b):1")
    }

    /// A glob that matches the main file itself is a cycle too.
    @Test func selfIncludeThroughGlob() {
        let dir = TemporaryDirectory()
        let main = dir.write("nginx.conf", "include *.conf;\n")
        #expect(error(main) == "recursive include of \"\(main)\" in \(main):1")
    }

    /// More than 32 nested includes is an error even without a cycle.
    @Test func nestingDepthIsLimited() {
        let dir = TemporaryDirectory()
        for level in 1...40 {
            dir.write("l\(level).conf", "include l\(level + 1).conf;\n")
        }
        dir.write("l41.conf", "leaf;\n")
        let main = dir.write("nginx.conf", "include l1.conf;\n")
        #expect(
            error(main)
                == "include of \"\(dir.path)/l33.conf\" is nested too deeply (more than 32 levels) in \(dir.path)/l32.conf:1"
        )
    }

    /// Exactly 32 levels of nesting is allowed.
    @Test func thirtyTwoLevelsAreAllowed() throws {
        let dir = TemporaryDirectory()
        for level in 1...31 {
            dir.write("l\(level).conf", "include l\(level + 1).conf;\n")
        }
        dir.write("l32.conf", "leaf;\n")
        let main = dir.write("nginx.conf", "include l1.conf;\n")
        #expect(try ConfigLoader.tree(file: main).map(\.name) == ["leaf"])
    }
}
