/// Content types by file extension for static files, the common part of nginx's shipped
/// `mime.types`. Unknown extensions get `application/octet-stream`, nginx's stock default_type.
public enum MimeTypes {
    public static let fallback = "application/octet-stream"

    private static let table: [String: String] = {
        var map: [String: String] = [:]
        let groups: [(String, [String])] = [
            ("text/html", ["html", "htm", "shtml"]),
            ("text/css", ["css"]),
            ("text/xml", ["xml"]),
            ("text/plain", ["txt"]),
            ("text/markdown", ["md"]),
            ("text/csv", ["csv"]),
            ("text/javascript", ["js", "mjs"]),
            ("application/json", ["json", "map"]),
            ("application/wasm", ["wasm"]),
            ("application/pdf", ["pdf"]),
            ("application/zip", ["zip"]),
            ("application/gzip", ["gz"]),
            ("application/x-tar", ["tar"]),
            ("application/rss+xml", ["rss"]),
            ("application/atom+xml", ["atom"]),
            ("application/manifest+json", ["webmanifest"]),
            ("image/gif", ["gif"]),
            ("image/jpeg", ["jpeg", "jpg"]),
            ("image/png", ["png"]),
            ("image/svg+xml", ["svg", "svgz"]),
            ("image/webp", ["webp"]),
            ("image/avif", ["avif"]),
            ("image/x-icon", ["ico"]),
            ("font/woff", ["woff"]),
            ("font/woff2", ["woff2"]),
            ("font/ttf", ["ttf"]),
            ("font/otf", ["otf"]),
            ("audio/mpeg", ["mp3"]),
            ("audio/ogg", ["ogg"]),
            ("audio/wav", ["wav"]),
            ("video/mp4", ["mp4"]),
            ("video/webm", ["webm"]),
        ]
        for (type, extensions) in groups {
            for ext in extensions { map[ext] = type }
        }
        return map
    }()

    /// The type for a path's extension, compared case-insensitively as nginx does.
    public static func type(forPath path: some StringProtocol) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return fallback }
        return table[path[path.index(after: dot)...].lowercased()] ?? fallback
    }
}
