/// A configuration error worded as nginx words it, so `switchyard -t` reads like `nginx -t`:
/// the sentence, then ` in FILE:LINE` when the error belongs to a place in a file. The CLI
/// prints it as `switchyard: [emerg] \(error)`.
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    /// Nil for errors about a file as a whole (the main file cannot be opened).
    public var location: SourceLocation?

    public init(message: String, location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    init(_ message: String, at location: SourceLocation? = nil) {
        self.init(message: message, location: location)
    }

    public var description: String {
        guard let location else { return message }
        return "\(message) in \(location.file):\(location.line)"
    }
}
