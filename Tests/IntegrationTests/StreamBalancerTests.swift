import Glibc
import Synchronization
import Testing
import TestSupport

extension Integration {
    /// The balancing methods of a stream `upstream {}` against real backends: consistent hash
    /// keeps a client on one server, least_conn spreads long-lived connections by what is
    /// open (counted across worker threads), max_conns caps a server.
    @Suite struct StreamBalancerTests {
        /// A backend that names itself (`tag` and a newline) to each client, then echoes until
        /// the client leaves; it counts the connections that ended.
        final class TaggedBackend: Sendable {
            let tag: String
            let server: ThreadedServer
            private let ended: Ended

            private final class Ended: Sendable {
                let count = Atomic<Int>(0)
            }

            init(_ tag: String) throws {
                let ended = Ended()
                self.tag = tag
                self.ended = ended
                server = try ThreadedServer { fd in
                    defer { ended.count.add(1, ordering: .releasing) }
                    guard (try? TCP.sendAll(fd, tag + "\n", deadline: Deadline(seconds: 5))) != nil else { return }
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let deadline = Deadline(seconds: 30)
                    for _ in 0..<10_000 {
                        let n = (try? buffer.withUnsafeMutableBytes { try TCP.receiveSome(fd, into: $0, deadline: deadline) }) ?? 0
                        if n <= 0 { return }
                        guard (try? TCP.sendAll(fd, Array(buffer[0..<n]), deadline: deadline)) != nil else { return }
                    }
                }
            }

            var port: UInt16 { server.port }
            var endedCount: Int { ended.count.load(ordering: .acquiring) }
            func stop() { server.stop() }
        }

        /// Backends named a, b, c, ... and an `upstream name { ... }` of them, each server line
        /// followed by `parameters[i]` when given.
        struct Backends {
            let all: [TaggedBackend]

            init(count: Int) throws {
                all = try (0..<count).map { try TaggedBackend(String(Character(UnicodeScalar(UInt8(ascii: "a") + UInt8($0))))) }
            }

            func upstream(_ name: String, _ method: String, parameters: [String] = []) -> String {
                var lines = ["upstream \(name) {", "    \(method)"]
                for (index, backend) in all.enumerated() {
                    let extra = index < parameters.count ? " " + parameters[index] : ""
                    lines.append("    server 127.0.0.1:\(backend.port)\(extra);")
                }
                return (lines + ["}"]).joined(separator: "\n")
            }

            func backend(_ tag: String) -> TaggedBackend? { all.first { $0.tag == tag } }
            func stop() { for backend in all { backend.stop() } }
        }

        /// Connects and reads the tag of the backend the router chose; the connection stays
        /// open (the caller closes it).
        static func open(_ port: UInt16, router: SwitchyardProcess,
                         sourceLocation: SourceLocation = #_sourceLocation) throws -> (fd: Int32, tag: String) {
            let fd = try TCP.connect(port: port)
            do {
                var line: [UInt8] = []
                let deadline = Deadline(seconds: 5)
                while line.last != UInt8(ascii: "\n") && line.count < 16 {
                    line += try TCP.receiveExactly(fd, count: 1, deadline: deadline)
                }
                return (fd, String(decoding: line.dropLast(), as: UTF8.self))
            } catch {
                Issue.record("no backend answered: \(error); log:\n\(router.logTail())", sourceLocation: sourceLocation)
                TCP.close(fd)
                throw error
            }
        }

        /// `hash $remote_addr consistent`: every connection from 127.0.0.1 reaches the same
        /// backend, whichever worker accepts it; `hash $remote_port consistent` on the same
        /// backends spreads them, so the first result is the key's doing.
        @Test func consistentHashSticks() throws {
            let backends = try Backends(count: 3)
            defer { backends.stop() }
            let (sticky, spread) = try (TCP.freePort(), TCP.freePort())
            let router = try SwitchyardProcess(config: { directory in
                streamConfig(directory, workers: 2, """
                    \(backends.upstream("by_addr", "hash $remote_addr consistent;"))
                    \(backends.upstream("by_port", "hash $remote_port consistent;"))
                    server { listen 127.0.0.1:\(sticky); proxy_pass by_addr; }
                    server { listen 127.0.0.1:\(spread); proxy_pass by_port; }
                    """)
            }, waitForPorts: [sticky, spread])
            defer { router.stop() }

            var stuck: Set<String> = []
            var spreadTags: Set<String> = []
            for _ in 0..<12 {
                let first = try Self.open(sticky, router: router)
                TCP.close(first.fd)
                stuck.insert(first.tag)
                let second = try Self.open(spread, router: router)
                TCP.close(second.fd)
                spreadTags.insert(second.tag)
            }
            #expect(stuck.count == 1, "hash $remote_addr went to \(stuck.sorted())")
            #expect(spreadTags.count >= 2, "hash $remote_port went only to \(spreadTags.sorted())")
        }

        /// `least_conn` with four worker threads: 40 connections held open land 10 on each of
        /// four backends (the counts are shared, so where the kernel sends each connection does
        /// not matter). When one backend's clients leave, the next ten all go to it.
        @Test func leastConnSpreadsLongLivedConnections() throws {
            let backends = try Backends(count: 4)
            defer { backends.stop() }
            let (router, port) = try startStreamServer(
                ["proxy_pass pool;"], preamble: backends.upstream("pool", "least_conn;"), workers: 4)
            defer { router.stop() }

            var open: [(fd: Int32, tag: String)] = []
            defer { for connection in open { TCP.close(connection.fd) } }
            for _ in 0..<40 { open.append(try Self.open(port, router: router)) }
            let perTag = Dictionary(grouping: open, by: \.tag).mapValues(\.count)
            #expect(perTag == ["a": 10, "b": 10, "c": 10, "d": 10], "\(perTag)")

            let leaving = open.filter { $0.tag == "b" }
            open.removeAll { $0.tag == "b" }
            for connection in leaving { TCP.close(connection.fd) }
            let b = try #require(backends.backend("b"))
            #expect(waitUntil(timeout: 5) { b.endedCount == leaving.count }, "b saw \(b.endedCount) ends")
            // The router ends its session right after closing the upstream side.
            MonotonicTime.sleep(0.1)
            var next: [String] = []
            for _ in 0..<10 {
                let connection = try Self.open(port, router: router)
                open.append(connection)
                next.append(connection.tag)
            }
            #expect(next == Array(repeating: "b", count: 10), "\(next); log:\n\(router.logTail())")
        }

        /// `max_conns`: with a at most 2 and b at most 1, a fourth connection finds no live
        /// upstream and is closed; when one of a's ends, a takes the next.
        @Test func maxConnsCaps() throws {
            let backends = try Backends(count: 2)
            defer { backends.stop() }
            let (router, port) = try startStreamServer(
                ["proxy_pass capped;"],
                preamble: backends.upstream("capped", "least_conn;", parameters: ["max_conns=2", "max_conns=1"]),
                workers: 2)
            defer { router.stop() }

            var open: [(fd: Int32, tag: String)] = []
            defer { for connection in open { TCP.close(connection.fd) } }
            for _ in 0..<3 { open.append(try Self.open(port, router: router)) }
            #expect(open.map(\.tag).sorted() == ["a", "a", "b"])

            let refused = try TCP.connect(port: port)
            defer { TCP.close(refused) }
            let end = TCP.waitForEnd(refused, deadline: Deadline(seconds: 5))
            #expect(end.bytes == 0 && end.end != .timedOut, "\(end)")
            #expect(waitUntil(timeout: 5) { router.log.contains("no live upstreams") }, "log:\n\(router.logTail())")
            #expect(backends.all.map(\.server.acceptedCount) == [2, 1])

            let leaving = try #require(open.firstIndex { $0.tag == "a" })
            TCP.close(open.remove(at: leaving).fd)
            let a = try #require(backends.backend("a"))
            #expect(waitUntil(timeout: 5) { a.endedCount == 1 })
            MonotonicTime.sleep(0.1)
            let again = try Self.open(port, router: router)
            open.append(again)
            #expect(again.tag == "a", "log:\n\(router.logTail())")
        }
    }
}
