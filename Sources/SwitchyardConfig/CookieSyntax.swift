/// What a `Set-Cookie` attribute built from the config may hold without changing its meaning.
enum CookieSyntax {
    /// Visible ASCII without `;` (which would start another attribute).
    static func isAttributeValue(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") }
    }
}
