import SwitchyardConfig

/// One access log line from a `log_format`: literal text as written, each variable's value
/// escaped by the format's `escape=` mode, so a client cannot forge lines or break JSON.
enum AccessLogLine {
    static func render(_ format: LogFormatConfig, evaluator: VariableEvaluator) -> [UInt8] {
        var line: [UInt8] = []
        for part in format.format.parts {
            switch part {
            case .literal(let text):
                line.append(contentsOf: text.utf8)
            case .variable(let ref):
                let value = evaluator.value(of: ref)
                switch format.escape {
                case .none: line.append(contentsOf: value)
                case .default: appendDefault(value, to: &line, emptyAsDash: true)
                case .json: appendJSON(value, to: &line)
                }
            }
        }
        return line
    }

    /// nginx's default escaping: `"`, `\`, control bytes and bytes above 126 as `\xHH`;
    /// an empty value is `-`.
    static func appendDefault(_ value: [UInt8], to line: inout [UInt8], emptyAsDash: Bool) {
        if value.isEmpty && emptyAsDash {
            line.append(UInt8(ascii: "-"))
            return
        }
        for byte in value {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte > 0x7e {
                line.append(contentsOf: Array("\\x".utf8))
                line.append(contentsOf: hex(byte))
            } else {
                line.append(byte)
            }
        }
    }

    /// JSON string escaping (RFC 8259 §7).
    static func appendJSON(_ value: [UInt8], to line: inout [UInt8]) {
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: Array("\\\"".utf8))
            case UInt8(ascii: "\\"): line.append(contentsOf: Array("\\\\".utf8))
            case 0x0a: line.append(contentsOf: Array("\\n".utf8))
            case 0x0d: line.append(contentsOf: Array("\\r".utf8))
            case 0x09: line.append(contentsOf: Array("\\t".utf8))
            case 0..<0x20:
                line.append(contentsOf: Array("\\u00".utf8))
                line.append(contentsOf: hex(byte))
            default: line.append(byte)
            }
        }
    }

    private static func hex(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 15)]]
    }
}
