/// Reads a configuration the way `nginx -t` does: file → tokens → directive tree (includes
/// expanded) → directives applied through the table → one merge → a validated snapshot.
public enum ConfigLoader {
    /// Loads `file`; relative `include` patterns resolve against its directory.
    public static func load(file: String) throws(ConfigError) -> Configuration {
        try configuration(from: tree(file: file), file: file)
    }

    /// Parses `text` as if it were the contents of `file` (which need not exist); relative
    /// `include` patterns resolve against the directory of `file`.
    public static func parse(text: String, file: String) throws(ConfigError) -> Configuration {
        try configuration(from: tree(text: text, file: file), file: file)
    }

    /// The directive tree of `file` with every include expanded, before any directive is checked.
    public static func tree(file: String) throws(ConfigError) -> [Directive] {
        var includes = IncludeExpander(mainFile: file)
        return try includes.parseMain(bytes: SourceFile.read(file), file: file)
    }

    public static func tree(text: String, file: String) throws(ConfigError) -> [Directive] {
        var includes = IncludeExpander(mainFile: file)
        return try includes.parseMain(bytes: Array(text.utf8), file: file)
    }

    /// Applies a tree through the directive table and builds the snapshot.
    public static func configuration(from tree: [Directive], file: String) throws(ConfigError) -> Configuration {
        var builder = ConfigBuilder()
        try DirectiveInterpreter.apply(tree, to: &builder)
        return try builder.build(file: file)
    }
}
