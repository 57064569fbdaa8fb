import Testing
@testable import SwitchyardCore

struct HTTPDateTests {
    /// The RFC's own example formats as IMF-fixdate.
    @Test func formatsIMFFixdate() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    /// All three date forms a recipient must accept parse to the same instant.
    @Test func parsesAllThreeForms() {
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784_111_777)
    }

    /// Garbage and out-of-range fields are not dates.
    @Test func rejectsGarbage() {
        #expect(HTTPDate.parse("yesterday") == nil)
        #expect(HTTPDate.parse("Sun, 32 Nov 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
    }

    /// nginx's log time formats have their fixed shapes.
    @Test func logFormatsHaveNginxShapes() {
        let common = HTTPDate.common(784_111_777)
        #expect(common.count == "06/Nov/1994:08:49:37 +0000".count)
        #expect(common.contains("/Nov/1994:"))
        let iso = HTTPDate.iso8601(784_111_777)
        #expect(iso.count == "1994-11-06T08:49:37+00:00".count)
        #expect(iso.hasPrefix("1994-11-0"))
    }

    /// The cache formats once per second.
    @Test func cacheRebuildsOnlyOnNewSecond() {
        var cache = TimeCache()
        cache.update(seconds: 784_111_777)
        #expect(cache.httpDate == "Sun, 06 Nov 1994 08:49:37 GMT")
        cache.update(seconds: 784_111_778)
        #expect(cache.httpDate == "Sun, 06 Nov 1994 08:49:38 GMT")
    }
}
