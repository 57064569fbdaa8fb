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
        /// The value's bytes when it holds no variable.
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

    init(_ settings: HTTPSettings) {
        setFields = settings.proxyHeadersWithDefaults.map { field in
            SetField(name: Array(field.name.utf8), lowercasedName: ASCIIText.lowercased(field.name),
                     value: field.value, literal: field.value.literalText.map { Array($0.utf8) })
        }
        setFieldNames = FieldNameSet(setFields.map(\.lowercasedName))
        connectionField = setFields.firstIndex { $0.lowercasedName == Array("connection".utf8) }
        let passed = settings.proxyPassHeaders.map { ASCIIText.lowercased($0) }
        hidden = FieldNameSet(
            (ClientResponsePlan.defaultHidden.names + settings.proxyHideHeaders.map { ASCIIText.lowercased($0) })
                .filter { !passed.contains($0) })
    }
}
