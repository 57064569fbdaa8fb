import Glibc
import Testing
@testable import SwitchyardReactor

/// A scratch directory tree: root/inside.txt, root/sub/, outside.txt next to root, and
/// symlinks in root pointing in and out.
private struct Tree {
    let base: String
    var root: String { base + "/root" }

    init() throws {
        var template = Array("/tmp/switchyard-files-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SysError("mkdtemp", errno: errno) }
        base = String(cString: made)
        mkdir(root, 0o755)
        mkdir(root + "/sub", 0o755)
        try write(root + "/inside.txt", "inside")
        try write(base + "/outside.txt", "secret")
        symlink(base + "/outside.txt", root + "/escape")
        symlink("inside.txt", root + "/alias.txt")
    }

    func write(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SysError("open", errno: errno) }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        _ = Glibc.write(fd, &bytes, bytes.count)
    }

    func remove() {
        for path in [root + "/escape", root + "/alias.txt", root + "/inside.txt", base + "/outside.txt"] { unlink(path) }
        rmdir(root + "/sub")
        rmdir(root)
        rmdir(base)
    }
}

struct FileAccessTests {
    /// Files under the root open; `..`, absolute paths and symlinks out of the root do not.
    @Test func openBeneathStaysInsideTheRoot() throws {
        let tree = try Tree()
        defer { tree.remove() }
        let root = try Sys.openDirectory(tree.root)
        defer { Sys.close(root) }

        let inside = try Sys.openBeneath(root, "inside.txt")
        Sys.close(inside)
        let viaLink = try Sys.openBeneath(root, "alias.txt")
        Sys.close(viaLink)
        let viaSub = try Sys.openBeneath(root, "sub/../inside.txt")
        Sys.close(viaSub)

        for escape in ["../outside.txt", "sub/../../outside.txt", tree.base + "/outside.txt", "escape"] {
            #expect(throws: SysError.self, "\(escape) must not open") { _ = try Sys.openBeneath(root, escape) }
        }
    }

    /// sendfile moves a file's bytes to a socket and advances the offset.
    @Test func sendfileMovesFileBytes() throws {
        let tree = try Tree()
        defer { tree.remove() }
        let file = open(tree.root + "/inside.txt", O_RDONLY)
        defer { close(file) }
        let pair = try LoopbackPair.make()
        defer { Sys.close(pair.outer); Sys.close(pair.inner) }
        var offset: Int64 = 0
        guard case .value(let sent) = try Sys.sendfile(to: pair.inner, from: file, offset: &offset, count: 100) else {
            Issue.record("sendfile would block on an empty socket")
            return
        }
        #expect(sent == 6 && offset == 6)
        var received: [UInt8] = []
        for _ in 0..<100 where received.count < 6 {
            _ = Peer.receive(pair.outer, into: &received)
            usleep(1000)
        }
        #expect(String(decoding: received, as: UTF8.self) == "inside")
    }
}
