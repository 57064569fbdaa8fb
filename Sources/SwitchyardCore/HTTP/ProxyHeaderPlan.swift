import SwitchyardConfig

/// A level's header lists in the form each request uses them, made once at load: the
/// `proxy_set_header` list with nginx's defaults, names as bytes and lowercased, literal
/// values already encoded; and the response fields not passed to clients. Without it, every
/// request rebuilt these lists and lowercased every name again.
struct ProxyHeaderPlan: Sendable {
    struct SetField: Sendable {
        let name: [UInt8]
        let lowercasedName: [UInt8]
        let value: CompiledValue
        /// The value's bytes when it holds no variable, or none but `$proxy_host` of a
        /// literal proxy_pass (nginx's default `Host $proxy_host`), which is fixed per level.
        let literal: [UInt8]?
    }

    let setFields: [SetField]
    /// The lowercased names of `setFields`, in order, for the request head builder.
    let setFieldNames: FieldNameSet
    /// Where `Connection` is in `setFields`: its value decides whether an upstream connection
    /// may be kept (an empty value or `keep-alive`).
    let connectionField: Int?
    /// Lowercased response fields not passed: nginx's defaults and `proxy_hide_header`, minus
    /// `proxy_pass_header`.
    let hidden: FieldNameSet

    /// `proxyHost`: the host of the level's proxy_pass when it names it literally.
    init(_ settings: HTTPSettings, proxyHost: String? = nil) {
        setFields = settings.proxyHeadersWithDefaults.map { field in
            SetField(name: Array(field.name.utf8), lowercasedName: ASCIIText.lowercased(field.name),
                     value: field.value, literal: Self.fixedText(field.value, proxyHost: proxyHost).map { Array($0.utf8) })
        }
        setFieldNames = FieldNameSet(setFields.map(\.lowercasedName))
        connectionField = setFields.firstIndex { $0.lowercasedName == Array("connection".utf8) }
        let passed = settings.proxyPassHeaders.map { ASCIIText.lowercased($0) }
        hidden = FieldNameSet(
            (ClientResponsePlan.defaultHidden.names + settings.proxyHideHeaders.map { ASCIIText.lowercased($0) })
                .filter { !passed.contains($0) })
    }

    private static func fixedText(_ value: CompiledValue, proxyHost: String?) -> String? {
        var text = ""
        for part in value.parts {
            switch part {
            case .literal(let piece): text += piece
            case .variable(.proxyHost):
                guard let proxyHost else { return nil }
                text += proxyHost
            case .variable: return nil
            }
        }
        return text
    }
}
