import SwitchyardWire

/// What the upstream request head is made of once routing and variables are done.
struct UpstreamRequestPlan {
    /// The request-target sent upstream (after proxy_pass URI replacement).
    var uri: [UInt8]
    var version: HTTPVersion
    /// `proxy_set_header` fields, evaluated, in order. An empty value removes the field: it
    /// is not sent, and the client's field of that name is not passed either.
    var setFields: [(name: [UInt8], value: [UInt8])]
    var passRequestHeaders = true
    var passRequestBody = true
}

/// Rebuilds the request head for the upstream from the parsed client head: never a patch of
/// the client's bytes, so nothing the client smuggled into a field can survive by accident.
enum RequestHeadBuilder {
    static func build(_ head: RequestHead, buffer: UnsafeRawBufferPointer, plan: UpstreamRequestPlan, into out: inout [UInt8]) {
        out.append(contentsOf: buffer[head.method.range])
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: plan.uri)
        out.append(ascii: plan.version == .http1_1 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n")

        var suppressed: [[UInt8]] = HopByHop.fixed
        suppressed.append(contentsOf: HopByHop.named(by: head.headers, in: buffer))
        // The proxy answers `Expect: 100-continue` itself and frames the body itself.
        suppressed.append(Array("expect".utf8))
        suppressed.append(Array("content-length".utf8))
        for field in plan.setFields {
            suppressed.append(field.name.map(ASCIIText.lowercased))
            if !field.value.isEmpty { out.appendField(field.name, field.value) }
        }
        if plan.passRequestHeaders {
            for field in head.headers where !HopByHop.contains(suppressed, field.name, in: buffer) {
                out.appendField(buffer[field.name.range], buffer[field.value.range])
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
