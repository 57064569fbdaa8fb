import Glibc

/// The command table: each entry names a command, the flags it takes, and the function that
/// runs it and returns the exit status.
enum Commands {
    struct Entry: Sendable {
        let name: String
        let flags: Set<String>
        let run: @Sendable (Options) throws(UsageError) -> Int32
    }

    static let clientFlags: Set<String> = ["target", "timeout"]
    static let wsFlags: Set<String> = clientFlags.union(["path", "host"])

    static let table: [Entry] = [
        Entry(name: "tcp-bulk", flags: clientFlags.union(["bytes", "direction"]), run: TCPBulkClient.run),
        Entry(name: "tcp-short", flags: clientFlags.union(["count", "bytes", "concurrency"]), run: TCPShortClient.run),
        Entry(name: "ws-echo", flags: wsFlags.union(["connections", "size", "seconds", "warmup"]), run: WSEchoClient.run),
        Entry(name: "ws-handshake", flags: wsFlags.union(["concurrency", "seconds"]), run: WSHandshakeClient.run),
        Entry(name: "ws-idle", flags: wsFlags.union(["count", "batch"]), run: WSIdleClient.run),
        Entry(name: "http-check", flags: clientFlags.union(["path", "host"]), run: Checks.http),
        Entry(name: "ws-check", flags: wsFlags, run: Checks.webSocket),
        Entry(name: "http-seq", flags: clientFlags.union(["path", "host", "count"]), run: Sequences.http),
        Entry(name: "ws-seq", flags: wsFlags.union(["count", "size"]), run: Sequences.webSocket),
    ]

    static let usage = """
        usage: sy-load backend tcp|http|ws --port P
               sy-load backend all --tcp P1 --http P2 --ws P3
               sy-load tcp-bulk --target 127.0.0.1:P --bytes N --direction up|down
               sy-load tcp-short --target T --count C --bytes N --concurrency K
               sy-load ws-echo --target T [--path /ws] [--host H] --connections K --size B --seconds S [--warmup W]
               sy-load ws-handshake --target T [--path /ws] [--host H] --concurrency K --seconds S
               sy-load ws-idle --target T [--path /ws] [--host H] --count N [--batch 200]
               sy-load http-check --target T [--path /] [--host H]
               sy-load ws-check --target T [--path /ws] [--host H]
               sy-load http-seq --target T [--path /] [--host H] --count N
               sy-load ws-seq --target T [--path /ws] [--host H] --count N --size B
        every client also takes --timeout S (default 120)
        """

    static func run(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            Output.error(usage)
            return 2
        }
        do throws(UsageError) {
            if command == "backend" {
                return try BackendCommand.run(Array(arguments.dropFirst()))
            }
            guard let entry = table.first(where: { $0.name == command }) else {
                throw UsageError("unknown command \"\(command)\"")
            }
            return try entry.run(Options(arguments.dropFirst(), allowed: entry.flags))
        } catch {
            Output.error("sy-load: \(error.message)\n\(usage)")
            return 2
        }
    }
}
