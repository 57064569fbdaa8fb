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
/// (Field lines it passes are copied whole when their bytes are exactly what would be
/// rebuilt: the same head, fewer copies.)
public enum RequestHeadBuilder {
    public static func build(_ head: RequestHead, buffer: UnsafeRawBufferPointer, plan: UpstreamRequestPlan, into out: inout [UInt8]) {
        let fixedBound = 1 + http1_1.utf8CodeUnitCount + contentLength.utf8CodeUnitCount + HeadBound.decimal + 2 + 2
        var bound = fixedBound &+ head.method.count &+ plan.uri.count
        for field in plan.setFields { bound &+= HeadBound.field(field.name, field.value) }
        // Fields the client's Connection names, found in the pass that sizes the head.
        var collected = ConnectionNamedFields()
        if plan.passRequestHeaders {
            for field in head.headers {
                bound &+= HeadBound.field(field)
                collected.collect(field, in: buffer)
            }
        }
        // A constant for the closure below: a captured variable is retained and released around each use.
        let named = collected
        out.appendHead(atMost: bound) { cursor in
            cursor.write(head.method, of: buffer)
            cursor.write(byte: UInt8(ascii: " "))
            cursor.write(plan.uri)
            // Compared by parts: `== .http1_1` reads a global of another module, with its once-check.
            cursor.write(plan.version.major == 1 && plan.version.minor == 1 ? http1_1 : http1_0)

            for field in plan.setFields where !field.value.isEmpty {
                cursor.writeField(field.name, field.value)
            }
            if plan.passRequestHeaders {
                if let setNames = plan.setFieldNames {
                    passHeaders(head, buffer: buffer, except: setNames, named, to: &cursor)
                } else {
                    passHeaders(head, buffer: buffer, except: FieldNameSet(plan.setFields.map(\.name)), named, to: &cursor)
                }
            }
            if plan.passRequestBody {
                switch head.bodyFraming {
                case .none: break
                case .contentLength(let length):
                    cursor.write(contentLength)
                    cursor.writeDecimal(Int64(length))
                    cursor.writeLineEnd()
                case .chunked: cursor.write(chunked)
                }
            }
            cursor.writeLineEnd()
        }
    }

    /// The client's fields but those never passed (`isAlwaysDropped`), those the plan sets
    /// (`setNames`) and those its Connection fields name.
    @inline(__always)
    private static func passHeaders(_ head: RequestHead, buffer: UnsafeRawBufferPointer, except setNames: FieldNameSet,
                                    _ named: ConnectionNamedFields, to cursor: inout HeadCursor) {
        var lines = PassedLines()
        for field in head.headers {
            let name = field.name
            if isAlwaysDropped(name, in: buffer) || setNames.contains(name, in: buffer) || named.contains(name, in: buffer) {
                continue
            }
            lines.pass(field, of: buffer, to: &cursor)
        }
        lines.flush(of: buffer, to: &cursor)
    }

    /// Never passed from the client: hop-by-hop fields; `Expect`, since the proxy answers
    /// 100-continue itself; and the framing, which the proxy re-states.
    @inline(__always)
    static func isAlwaysDropped(_ name: ByteRange, in buffer: UnsafeRawBufferPointer) -> Bool {
        switch name.count {
        case 6: FixedName.matches(name, "expect", in: buffer)
        case 14: FixedName.matches(name, "content-length", in: buffer)
        default: HopByHop.isFixed(name, in: buffer)
        }
    }

    // Computed, not stored: a stored static is read through a once-check.
    private static var http1_1: StaticString { " HTTP/1.1\r\n" }
    private static var http1_0: StaticString { " HTTP/1.0\r\n" }
    private static var contentLength: StaticString { "Content-Length: " }
    private static var chunked: StaticString { "Transfer-Encoding: chunked\r\n" }
}
