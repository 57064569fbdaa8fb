import SwitchyardWire

/// What the upstream request head is made of once routing and variables are done.
/// Public, with the builder, for the micro benchmarks (Benchmarks/CoreBenchmarks).
public struct UpstreamRequestPlan {
    /// The request-target sent upstream (after proxy_pass URI replacement).
    public var uri: [UInt8]
    public var version: HTTPVersion
    /// `proxy_set_header` fields, evaluated, in order. An empty value removes the field: it
    /// is not sent, and the client's field of that name is not passed either.
    public var setFields: [(name: [UInt8], value: [UInt8])]
    public var passRequestHeaders: Bool
    public var passRequestBody: Bool
    /// The names of `setFields`, when the caller has them ready (made at load); nil makes the
    /// builder collect them.
    public var setFieldNames: FieldNameSet?

    public init(uri: [UInt8], version: HTTPVersion, setFields: [(name: [UInt8], value: [UInt8])],
                passRequestHeaders: Bool = true, passRequestBody: Bool = true, setFieldNames: FieldNameSet? = nil) {
        self.uri = uri
        self.version = version
        self.setFields = setFields
        self.passRequestHeaders = passRequestHeaders
        self.passRequestBody = passRequestBody
        self.setFieldNames = setFieldNames
    }
}

/// Rebuilds the request head for the upstream from the parsed client head: never a patch of
/// the client's bytes, so nothing the client smuggled into a field can survive by accident.
public enum RequestHeadBuilder {
    /// Never passed from the client: hop-by-hop fields; `Expect`, since the proxy answers
    /// 100-continue itself; and the framing, which the proxy re-states.
    static let alwaysDropped = FieldNameSet(HopByHop.fixed + ["expect", "content-length"].map { Array($0.utf8) })

    public static func build(_ head: RequestHead, buffer: UnsafeRawBufferPointer, plan: UpstreamRequestPlan, into out: inout [UInt8]) {
        out.append(contentsOf: buffer[head.method.range])
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: plan.uri)
        out.append(ascii: plan.version == .http1_1 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n")

        for field in plan.setFields where !field.value.isEmpty {
            out.appendField(field.name, field.value)
        }
        if plan.passRequestHeaders {
            let setNames = plan.setFieldNames ?? FieldNameSet(plan.setFields.map(\.name))
            // Fields the client's Connection names; most requests have none, or one token.
            let named = HopByHop.named(by: head.headers, in: buffer)
            for field in head.headers {
                let name = field.name
                if alwaysDropped.contains(name, in: buffer) || setNames.contains(name, in: buffer)
                    || (!named.isEmpty && HopByHop.contains(named, name, in: buffer)) {
                    continue
                }
                out.appendField(buffer[name.range], buffer[field.value.range])
            }
        }
        if plan.passRequestBody {
            switch head.bodyFraming {
            case .none: break
            case .contentLength(let length):
                out.append(ascii: "Content-Length: ")
                out.appendDecimal(length)
                out.append(ascii: "\r\n")
            case .chunked: out.appendField("Transfer-Encoding".utf8, "chunked".utf8)
            }
        }
        out.append(ascii: "\r\n")
    }
}
