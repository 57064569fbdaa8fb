import Foundation
import Glibc
import Testing
import TestSupport

extension Integration {
    /// Zero copy, seen from the kernel's side with strace.
    @Suite struct SpliceTraceTests {
        static let strace = "/usr/bin/strace"

        /// A 4 MiB upload through the proxy under `strace -f` moves its bytes with splice(2)
        /// (many calls returning at least 8 MiB in all: into the pipe and out of it) while
        /// read/recvfrom return far less than the payload: the bytes never entered user space.
        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: SpliceTraceTests.strace), "needs \(SpliceTraceTests.strace)"))
        func splice_payloadNeverEntersUserSpace() throws {
            let sink = try SinkServer()
            defer { sink.stop() }
            let (router, port) = try startProxy(
                to: sink.port,
                launcher: { [Self.strace, "-f", "-e", "trace=splice,read,write,recvfrom,sendto", "-o", $0.file("strace.out")] },
                timeout: 20)
            defer {
                // `router.pid` is strace's; the router itself is named by its pid file.
                if let pid = readPidFile(router.directory.file("switchyard.pid")), router.exitStatus == nil { kill(pid, SIGKILL) }
                router.stop()
            }

            let fd = try TCP.connect(port: port)
            defer { TCP.close(fd) }
            let sent = try Transfer.sendPattern(fd, total: 4 * MiB, seed: 99, chunk: 256 * 1024, deadline: Deadline(seconds: 60))
            TCP.shutdownWrite(fd)
            let records = try #require(sink.waitForRecords(1, timeout: 30), "log:\n\(router.logTail())")
            #expect(records[0].digest == sent)

            let routerPid = try #require(readPidFile(router.directory.file("switchyard.pid")), "no pid file")
            kill(routerPid, SIGTERM)
            #expect(router.waitForExit(timeout: 15) != nil, "strace did not exit after the router's SIGTERM")

            let trace = try #require(router.directory.read("strace.out"), "no strace output")
            let totals = SyscallTotals(trace: trace)
            #expect(totals.calls["splice", default: 0] >= 16, "\(totals)")
            #expect(totals.bytes["splice", default: 0] >= 8 * MiB, "\(totals)")
            let userSpace = totals.bytes["read", default: 0] + totals.bytes["recvfrom", default: 0]
            #expect(userSpace < MiB, "read/recvfrom returned \(userSpace) bytes: payload went through user space; \(totals)")
        }
    }
}

/// Sums what `strace -f` lines say each syscall returned: `PID name(args) = N`, including the
/// `<unfinished ...>` / `<... name resumed>) = N` pairs that -f produces.
struct SyscallTotals: CustomStringConvertible {
    /// Calls that returned a positive count, by name.
    var calls: [String: Int] = [:]
    /// The sum of those counts, by name.
    var bytes: [String: Int] = [:]

    init(trace: String) {
        for line in trace.split(separator: "\n") {
            guard let result = line.range(of: ") = ", options: .backwards) else { continue }
            let value = line[result.upperBound...].prefix(while: { $0.isNumber || $0 == "-" })
            guard let count = Int(value), count > 0 else { continue }
            var body = line.drop(while: { $0.isNumber })
            body = body.drop(while: { $0 == " " })
            let name: Substring
            if body.hasPrefix("<... ") {
                name = body.dropFirst(5).prefix(while: { $0 != " " })
            } else {
                name = body.prefix(while: { $0 != "(" })
            }
            calls[String(name), default: 0] += 1
            bytes[String(name), default: 0] += count
        }
    }

    var description: String {
        calls.keys.sorted().map { "\($0): \(calls[$0]!) calls, \(bytes[$0]!) bytes" }.joined(separator: "; ")
    }
}
