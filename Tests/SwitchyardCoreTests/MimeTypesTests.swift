import Testing
@testable import SwitchyardCore

struct MimeTypesTests {
    /// Extensions map as nginx's mime.types does, case-insensitively.
    @Test func knownExtensions() {
        #expect(MimeTypes.type(forPath: "/index.html") == "text/html")
        #expect(MimeTypes.type(forPath: "/a/b/photo.JPG") == "image/jpeg")
        #expect(MimeTypes.type(forPath: "app.js") == "text/javascript")
    }

    /// No extension, an unknown one, or a dot in a directory name gives the default type.
    @Test func unknownGetsDefault() {
        #expect(MimeTypes.type(forPath: "/README") == MimeTypes.fallback)
        #expect(MimeTypes.type(forPath: "/x.unknownext") == MimeTypes.fallback)
        #expect(MimeTypes.type(forPath: "/v1.2/file") == MimeTypes.fallback)
    }
}
