import Testing

@testable import SwitchyardWire

struct HeadWriterTests {
    /// A head rebuilt from parsed ranges, fixed text, numbers and checked fields reads as expected.
    @Test func buildsAHead() throws {
        let request = bytes("GET /a?b HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\n\r\n")
        let head = try #require(parseRequest(request).head)
        var writer = HeadWriter()
        withBuffer(request) { buffer in
            writer.append(head.method, of: buffer)
            writer.append(ASCII.space)
            writer.append(head.target, of: buffer)
            writer.append(" HTTP/1.1")
            writer.appendLineEnd()
            writer.appendField(name: "Host", value: head.host!, of: buffer)
            writer.appendField(name: head.headers[1].name, value: head.headers[1].value, of: buffer)
        }
        try writer.appendField(name: "X-Forwarded-For", value: "10.0.0.1")
        writer.append("Content-Length: ")
        writer.appendDecimal(0)
        writer.appendLineEnd()
        writer.append("X-Big: ")
        writer.appendDecimal(9_007_199_254_740_993)
        writer.appendLineEnd()
        writer.appendEndOfHead()
        let expected =
            "GET /a?b HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\nX-Forwarded-For: 10.0.0.1\r\n"
            + "Content-Length: 0\r\nX-Big: 9007199254740993\r\n\r\n"
        #expect(String(decoding: writer.finish(), as: UTF8.self) == expected)
    }

    /// Values with CR, LF, NUL or other controls are refused (header injection), and nothing is written.
    @Test func refusesInjection() {
        var writer = HeadWriter()
        for value in ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\u{0}b", "\u{7F}"] {
            #expect(throws: HeadWriterError.invalidFieldValue) { try writer.appendField(name: "X-Ok", value: value) }
        }
        for name in ["", "Bad Name", "X:Y", "X\r\n"] {
            #expect(throws: HeadWriterError.invalidFieldName) { try writer.appendField(name: name, value: "v") }
        }
        #expect(writer.count == 0)
        #expect(HeadWriter.isValidFieldValue(Array(" tab\tand obs-text \u{E9} ".utf8)))
    }

    /// The storage handed in is emptied but its capacity is reused.
    @Test func reusesStorage() {
        var storage = [UInt8](repeating: 1, count: 100)
        storage.reserveCapacity(4096)
        let capacity = storage.capacity
        var writer = HeadWriter(reusing: storage, reservingCapacity: 16)
        writer.append("x")
        let result = writer.finish()
        #expect(result == [UInt8(ascii: "x")])
        #expect(result.capacity >= capacity)
    }
}
