import SwitchyardConfig
import Testing
@testable import SwitchyardCore
@testable import SwitchyardReactor

/// `sticky cookie`: opaque, stable peer ids, the balancer honouring them, and the cookie.
struct StickyCookieTests {
    private let config = StickyCookieConfig(name: "srv_id", location: SwitchyardConfig.SourceLocation(file: "x", line: 1))

    /// Ids are 8 hex digits, distinct within a group, the same whenever the group is built,
    /// and different in another group.
    @Test func idsAreOpaqueAndStable() throws {
        let group = balancerGroup([1, 1, 1, 1], sticky: config, name: "app")
        let again = balancerGroup([1, 1, 1, 1], sticky: config, name: "app")
        let other = balancerGroup([1, 1, 1, 1], sticky: config, name: "api")
        let ids = (0..<4).compactMap(group.stickyID(of:))
        #expect(ids.count == 4 && Set(ids).count == 4)
        #expect(ids.allSatisfy { $0.count == 8 && $0.allSatisfy(\.isHexDigit) })
        #expect(ids == (0..<4).compactMap(again.stickyID(of:)))
        #expect(Set(ids).isDisjoint(with: (0..<4).compactMap(other.stickyID(of:))))
        #expect(balancerGroup([1, 1]).stickyID(of: 0) == nil)
    }

    /// A cookie naming an available peer wins over the method; an unknown id, a failed, down
    /// or already tried peer, or a backup falls back to the method.
    @Test func balancerHonoursTheCookie() throws {
        let group = balancerGroup([1, 1, 1, 1], method: .leastConn, backup: [3], down: [2], failTimeoutMs: 1000, sticky: config)
        var balancer = UpstreamBalancer(group: group)
        func pick(_ peer: Int?, id: String? = nil, tried: TriedSet = TriedSet(), now: Int64 = 1000) -> Int? {
            var context = PickContext(stickyID: (id ?? peer.flatMap(group.stickyID(of:))).map { Substring($0) })
            return balancer.next(now: now, tried: tried, context: &context)
        }
        for _ in 0..<5 { balancer.acquired(1) }
        #expect((0..<4).map { _ in pick(1) } == [1, 1, 1, 1])
        #expect(pick(nil, id: "nothere0") == 0)
        var tried = TriedSet()
        tried.insert(1)
        #expect(pick(1, tried: tried) == 0)
        #expect(pick(2) == 0)
        #expect(pick(3) == 0)
        balancer.report(1, failed: true, now: 1000)
        #expect(pick(1, now: 1001) == 0)
        #expect(pick(1, now: 2500) == 1)
    }

    /// The header value, with and without attributes.
    @Test func setCookieValue() {
        #expect(StickyCookie.setCookie(config, id: "0badc0de", now: 0) == "srv_id=0badc0de")
        var full = config
        full.expires = .after(.seconds(3600))
        full.domain = ".example.com"
        full.path = "/"
        full.httpOnly = true
        full.secure = true
        full.sameSite = .lax
        #expect(
            StickyCookie.setCookie(full, id: "0badc0de", now: 784_111_777)
                == "srv_id=0badc0de; Expires=Sun, 06 Nov 1994 09:49:37 GMT; Max-Age=3600; Domain=.example.com; Path=/; "
                + "HttpOnly; Secure; SameSite=Lax")
        var forever = config
        forever.expires = .max
        #expect(
            StickyCookie.setCookie(forever, id: "1", now: 0)
                == "srv_id=1; Expires=Thu, 31 Dec 2037 23:55:55 GMT; Max-Age=315360000")
    }
}
