import Glibc
import SwitchyardReactor
import SwitchyardWire

/// One connection of `backend ws`: the opening handshake (RFC 6455 §4.2), then the echo of
/// `WSEchoFramer`. Reads land in the shared input and echoes are built in the shared output;
/// what a connection keeps between reads is a split head or frame header (`stash`) and, only
/// when the kernel took part of a send, the rest of it (`unsent`). An idle connection holds
/// this object and two empty arrays.
final class WSBackendConnection: EventHandler {
    private unowned let context: BackendContext
    private var upgraded = false
    private var closeWhenSent = false
    private var framer = WSEchoFramer()
    private var stash: [UInt8] = []
    private var unsent: [UInt8] = []
    private var unsentOffset = 0

    init(context: BackendContext) {
        self.context = context
    }

    static func open(_ fd: Int32, loop: EventLoop, context: BackendContext) {
        let connection = WSBackendConnection(context: context)
        do {
            try loop.register(fd: fd, interest: .readable, handler: connection)
        } catch {
            Sys.close(fd)
        }
    }

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        if unsent.isEmpty {
            read(fd, loop: loop)
        } else {
            flushUnsent(fd, loop: loop)
        }
    }

    private func read(_ fd: Int32, loop: EventLoop) {
        let region: UnsafeMutableRawBufferPointer
        switch CarriedRead.read(fd, into: context.input, carrying: &stash) {
        case .bytes(let bytes): region = bytes
        case .wouldBlock: return
        case .closed, .failed: return BackendContext.close(fd, loop: loop)
        }
        var start = 0
        var produced = 0
        if !upgraded {
            guard handshake(region, start: &start, produced: &produced) else { return BackendContext.close(fd, loop: loop) }
        }
        if upgraded && start < region.count && !closeWhenSent {
            let output = UnsafeMutableRawBufferPointer(rebasing: context.output[produced...])
            let step = framer.process(UnsafeMutableRawBufferPointer(rebasing: region[start...]), into: output)
            produced += step.produced
            switch step.end {
            case .needMoreBytes:
                if start + step.consumed < region.count {
                    CarriedRead.carry(UnsafeRawBufferPointer(rebasing: region[(start + step.consumed)...]), in: &stash)
                }
            case .closeEchoed, .protocolError:
                closeWhenSent = true
            }
        }
        send(fd, UnsafeRawBufferPointer(rebasing: context.output[0..<produced]), loop: loop)
    }

    /// Answers the request heads in `region` from `start`: a 200 to each plain request, a 101
    /// to the upgrade (after which the rest of the region is frames). False when the head is
    /// too long to be one of ours.
    private func handshake(_ region: UnsafeMutableRawBufferPointer, start: inout Int, produced: inout Int) -> Bool {
        let bytes = UnsafeRawBufferPointer(region)
        while start < bytes.count && !upgraded && !closeWhenSent {
            guard let end = HeadScan.headEnd(bytes, from: start) else {
                guard bytes.count - start <= BackendContext.maxHeadLength else { return false }
                CarriedRead.carry(UnsafeRawBufferPointer(rebasing: bytes[start...]), in: &stash)
                start = bytes.count
                return true
            }
            let head = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            let facts = RequestHeadFacts(head)
            if !facts.isUpgradeToWebSocket {
                // Plain requests are for health checks; a pipeline long enough to overrun
                // the output's headroom is not one of our clients.
                guard produced + HTTPResponses.ok.count <= BackendContext.outputHeadroom else { return false }
                append(HTTPResponses.ok, at: &produced)
                closeWhenSent = facts.closeAfterAnswer
            } else if let key = HeadScan.fieldValue(head, named: "sec-websocket-key") {
                let keyText = String(decoding: head[key], as: UTF8.self)
                let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: \(WebSocketHandshake.acceptValue(forKey: keyText))\r\n\r\n"
                append(Array(response.utf8), at: &produced)
                upgraded = true
            } else {
                append(HTTPResponses.badRequest, at: &produced)
                closeWhenSent = true
            }
            start = end
        }
        return true
    }

    private func append(_ bytes: [UInt8], at produced: inout Int) {
        bytes.withUnsafeBytes { (context.output.baseAddress! + produced).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        produced += bytes.count
    }

    /// One send of everything produced by a read. What the kernel does not take is copied
    /// aside, and reading stops until it is out: the client feels TCP's back-pressure and our
    /// memory stays bounded by one read.
    private func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, loop: EventLoop) {
        var sent = 0
        if !bytes.isEmpty {
            do {
                if case .value(let n) = try Sys.write(fd, bytes) { sent = n }
            } catch {
                return BackendContext.close(fd, loop: loop)
            }
        }
        if sent < bytes.count {
            unsent = Array(bytes[sent...])
            unsentOffset = 0
            try? loop.setInterest(fd: fd, .writable)
        } else if closeWhenSent {
            finish(fd, loop: loop)
        }
    }

    private func flushUnsent(_ fd: Int32, loop: EventLoop) {
        let result: IOResult<Int>
        do {
            result = try unsent.withUnsafeBytes { (raw) throws(SysError) in
                try Sys.write(fd, UnsafeRawBufferPointer(rebasing: raw[unsentOffset...]))
            }
        } catch {
            return BackendContext.close(fd, loop: loop)
        }
        guard case .value(let n) = result else { return }
        unsentOffset += n
        guard unsentOffset == unsent.count else { return }
        unsent = []
        unsentOffset = 0
        if closeWhenSent { return finish(fd, loop: loop) }
        try? loop.setInterest(fd: fd, .readable)
    }

    /// After the echoed close (§7.1.1: the server closes the TCP connection first).
    private func finish(_ fd: Int32, loop: EventLoop) {
        try? Sys.shutdownWrite(fd)
        BackendContext.close(fd, loop: loop)
    }
}

@available(*, unavailable)
extension WSBackendConnection: Sendable {}
