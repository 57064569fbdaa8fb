import Testing
@testable import SwitchyardCore

struct HTTPStatusTests {
    /// The statuses the router sends itself carry nginx's reason phrases.
    @Test func reasonsMatchNginx() {
        #expect(HTTPStatus.reason(502) == "Bad Gateway")
        #expect(HTTPStatus.reason(504) == "Gateway Time-out")
        #expect(HTTPStatus.reason(413) == "Request Entity Too Large")
        #expect(HTTPStatus.reason(431) == "Request Header Fields Too Large")
    }

    /// Error pages are short, fixed and name the status.
    @Test func errorPageIsShortAndFixed() {
        let page = HTTPStatus.errorPage(502)
        #expect(page.contains("<title>502 Bad Gateway</title>"))
        #expect(page.utf8.count < 200)
        #expect(page == HTTPStatus.errorPage(502))
    }

    /// 1xx, 204 and 304 never carry a body.
    @Test func bodylessStatuses() {
        #expect(!HTTPStatus.allowsBody(101) && !HTTPStatus.allowsBody(204) && !HTTPStatus.allowsBody(304))
        #expect(HTTPStatus.allowsBody(200) && HTTPStatus.allowsBody(502))
    }
}
