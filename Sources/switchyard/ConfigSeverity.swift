import SwitchyardConfig
import SwitchyardReactor

extension Severity {
    init(_ level: LogLevel) {
        self = Severity(rawValue: level.rawValue) ?? .error
    }
}
