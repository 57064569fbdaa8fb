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
    /// The lowercased names of `setFields`, when the caller has them ready (computed at load);
    /// nil makes the builder lowercase them.
    public var setFieldNames: [[UInt8]]?

    public init(uri: [UInt8], version: HTTPVersion, setFields: [(name: [UInt8], value: [UInt8])],
                passRequestHeaders: Bool = true, passRequestBody: Bool = true, setFieldNames: [[UInt8]]? = nil) {
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
    public static func build(_ head: RequestHead, buffer: UnsafeRawBufferPointer, plan: UpstreamRequestPlan, into out: inout [UInt8]) {
        out.append(contentsOf: buffer[head.method.range])
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: plan.uri)
        out.append(ascii: plan.version == .http1_1 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n")

        for field in plan.setFields where !field.value.isEmpty {
            out.appendField(field.name, field.value)
        }
        if plan.passRequestHeaders {
            let setNames = plan.setFieldNames ?? plan.setFields.map { $0.name.map(ASCIIText.lowercased) }
            // Fields the client's Connection names; most requests have none, or one token.
            let named = HopByHop.named(by: head.headers, in: buffer)
            for field in head.headers {
                let name = field.name
                // The proxy answers `Expect: 100-continue` itself and frames the body itself.
                if HopByHop.contains(HopByHop.fixed, name, in: buffer) || name.equalsCaseInsensitive("expect", in: buffer)
                    || name.equalsCaseInsensitive("content-length", in: buffer)
                    || HopByHop.contains(setNames, name, in: buffer) || HopByHop.contains(named, name, in: buffer) {
                    continue
                }
                out.appendField(buffer[name.range], buffer[field.value.range])
            }
        }
        if plan.passRequestBody {
            switch head.bodyFraming {
            case .none: break
            case .contentLength(let length): out.appendField("Content-Length".utf8, String(length).utf8)
            case .chunked: out.appendField("Transfer-Encoding".utf8, "chunked".utf8)
            }
        }
        out.append(ascii: "\r\n")
    }
}
