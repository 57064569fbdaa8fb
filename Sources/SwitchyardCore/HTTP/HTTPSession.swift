import Glibc
import SwitchyardConfig
import SwitchyardReactor
import SwitchyardWire

/// One client connection of an http server: read a head → route (server, location) → answer
/// locally or proxy (connect, rebuilt head out, body streamed, response head rebuilt, body
/// streamed back) → log → next request on the same connection, or close.
///
///     readingHead ──► route ──► local response ─────────────────────────┐
///          ▲            │                                                │
///          │            └─► connect ─► exchange (head+body ⇄ head+body) ─┤
///          │                   │  refused/timeout: next peer or 502/504  │
///          └──────── keep-alive ◄────────────────────────────────────────┘
///                     otherwise close
final class HTTPSession: EventHandler, TimerHandler, WorkerSession {
    private enum Phase {
        case readingHead
        case connecting
        case exchanging
        case responding
        /// A 101 went out: early bytes are flushed both ways before the tunnel takes over.
        case upgrading
        case closed
    }

    /// The worker owns this object and outlives it. Unchecked: a checked `unowned` costs a
    /// runtime call on every access, several per request.
    private unowned(unsafe) let worker: Worker
    private let snapshot: RuntimeSnapshot
    /// The snapshot's http block, borrowed in place: a stored copy cost a retain and a
    /// release of every list in it per connection.
    private var http: HTTPConfig {
        _read { yield httpBlock.config }
    }
    private let httpBlock: RuntimeSnapshot.HTTPBlock
    /// The http block's maps, all a variable evaluator needs of it: passing the block itself
    /// copied the whole struct per evaluator.
    private let maps: [MapConfig]
    private let listenGroup: Int
    /// `ServerNameMatcher.onlyServer` of the listen address.
    private let onlyServer: Int?
    /// The worker's http upstream groups when the session started, which its snapshot's
    /// indices (`HTTPLevel.upstreamGroup`) point into: a reload gives the worker new ones.
    private let httpGroups: [UpstreamGroup]
    private let clientAddress: SocketAddress
    private let serverAddress: SocketAddress
    private var clientFD: OwnedFD?
    private let client: SocketTransport
    /// From the loop's pool; given back when the session ends (see `giveBack`).
    private var clientRing: RingBuffer
    private var parser: HTTPRequestHeadParser
    private var phase = Phase.readingHead
    private let timer = LoopTimer()
    private var requests = 0
    private let connectionNumber: UInt64

    // The request in progress.
    private var record: HTTPExchangeRecord?
    /// The last request's record, for the next one to reuse.
    private var spareRecord: HTTPExchangeRecord?
    /// The server of the request in progress, and its level: the matched location, else the
    /// server itself, boxed at load (see `HTTPLevel`).
    private var serverIndex = 0
    private var level: HTTPLevel

    private var settings: HTTPSettings {
        _read { yield level.settings }
    }

    /// The header lists of the request's level, made at load.
    private var headerPlan: ProxyHeaderPlan { level.plan }

    private var keepAlive = false
    /// The client's FIN was seen with bytes still queued: it half-closed, and is not watched
    /// for leaving any more.
    private var clientFinSeen = false
    /// The client socket had nothing to read last time (or a request was just answered):
    /// the next read waits for epoll to say readable instead of costing an EAGAIN. The
    /// interest stays readable, so nothing that arrives is missed.
    private var clientDrained = false
    private var out = OutputBuffer()
    private var upstream: UpstreamLeg?
    /// The last response body's flow, kept for the next response on this connection.
    private var spareResponseFlow: BodyFlow?
    private var tried = TriedSet()
    /// What the upstream group's method chooses by, for every try of the request in progress.
    private var pick = PickContext()
    private var triesLeft = 0
    private var sendContinue = false
    /// The client's request body, while it still flows somewhere (upstream or nowhere).
    private var clientBodyPending = false

    init(worker: Worker, client: consuming OwnedFD, clientAddress: SocketAddress, serverAddress: SocketAddress,
         snapshot: RuntimeSnapshot, http httpBlock: RuntimeSnapshot.HTTPBlock, listenGroup: Int, connectionNumber: UInt64) {
        self.worker = worker
        self.snapshot = snapshot
        self.listenGroup = listenGroup
        self.httpBlock = httpBlock
        let http = httpBlock.config
        self.maps = http.maps
        self.onlyServer = http.listenGroups[listenGroup].matcher.onlyServer
        self.httpGroups = worker.httpGroups
        // Every http listen group belongs to a server, so the first server exists.
        self.level = snapshot.httpLevels[0][0]
        self.clientAddress = clientAddress
        self.serverAddress = serverAddress
        self.client = SocketTransport(fd: client.raw)
        self.clientFD = .some(client)
        self.connectionNumber = connectionNumber
        let buffers = http.settings.largeClientHeaderBuffers
        let headLimit = max(buffers.count * buffers.size, 1024)
        self.clientRing = worker.rings.take(capacity: headLimit)
        self.parser = HTTPRequestHeadParser(limits: HeadLimits(
            maxStartLineLength: buffers.size, maxFieldLineLength: buffers.size,
            maxHeadLength: max(headLimit, buffers.size)))
        timer.handler = self
    }

    private var loop: EventLoop { worker.loop }
    /// The request's `error_log` (server or location level), else the main one.
    private var log: ErrorLog { record == nil ? worker.log : worker.errorLog(for: settings.errorLog) }

    /// `watched`: the socket comes from a preread session and epoll still has it, so it is
    /// modified (one system call) rather than added (which would fail first). Either way it
    /// starts with the interest a waiting keep-alive connection keeps (see `mayReadAhead`).
    func start(watched: Bool = false) {
        do {
            if watched {
                try loop.reregister(fd: client.fd, interest: [.readable, .peerHangup], handler: self)
            } else {
                try loop.register(fd: client.fd, interest: [.readable, .peerHangup], handler: self)
            }
        } catch {
            log.alert("\(error) while accepting new connection, client: \(clientAddress)")
            close()
            return
        }
        loop.arm(timer, afterMs: http.settings.clientHeaderTimeout.milliseconds)
    }

    // MARK: events

    func handle(fd: Int32, readiness: Readiness, loop: EventLoop) {
        if fd == client.fd && readiness.isReadable { clientDrained = false }
        if let leg = upstream, fd == leg.raw, readiness.isReadable { leg.drained = false }
        if fd == client.fd, readiness.peerClosedWriting, phase == .connecting || phase == .exchanging,
           upstream?.answered != true, !clientFinSeen {
            // The client sent FIN while the upstream has not answered yet. With nothing left
            // to read it went away (a long poll whose tab closed): stop the upstream's work
            // now, as nginx does unless proxy_ignore_client_abort is on. With bytes still
            // queued or already read (pipelined requests, then FIN), it only half-closed:
            // those requests are answered, and the client is not watched any more.
            var probe: UInt8 = 0
            let queued = withUnsafeMutableBytes(of: &probe) { (try? Sys.peek(fd, $0)) }
            if case .value(0) = queued, clientRing.isEmpty {
                log.info("client prematurely closed connection while waiting for upstream\(context())")
                close()
                return
            }
            clientFinSeen = true
        }
        if fd == client.fd, readiness.isReadable, mayReadAhead {
            readAhead()
            if phase == .closed { return }
        }
        if phase == .connecting, let leg = upstream, fd == leg.raw {
            let code = Sys.pendingError(fd)
            if code != 0 {
                upstreamFailed(SysError("connect", errno: code), timedOut: false)
                drive()
                return
            }
            leg.connected = true
            record?.upstreamConnectMs = loop.now - leg.connectStartedMs
            phase = .exchanging
            waiting = .nothing
        }
        drive()
    }

    func timerFired(_ timer: LoopTimer, now: Int64) {
        switch phase {
        case .readingHead:
            if requests > 0 || clientRing.isEmpty {
                close()
            } else {
                log.info("client timed out (110: Connection timed out) while reading client request headers, client: \(clientAddress)")
                close()
            }
        case .connecting:
            upstreamFailed(nil, timedOut: true)
        case .exchanging:
            switch waiting {
            case .clientBody:
                log.info("client timed out (110: Connection timed out) while reading client request body\(context())")
                if let leg = upstream, !leg.answered {
                    dropUpstream()
                    localError(408, keepAlive: false)
                } else {
                    close()
                }
            case .clientSend:
                log.info("client timed out (110: Connection timed out) while sending response to client\(context())")
                close()
            case .upstreamSend, .upstreamRead, .nothing:
                if let leg = upstream, !leg.answered {
                    upstreamFailed(nil, timedOut: true)
                } else {
                    log.error("upstream timed out (110: Connection timed out) while reading upstream\(context())")
                    close()
                }
            }
        case .responding, .upgrading:
            log.info("client timed out (110: Connection timed out) while sending response, client: \(clientAddress)")
            close()
        case .closed:
            break
        }
        drive()
    }

    // MARK: the driver

    /// Makes every step that can be made now, then says what to wait for.
    private func drive() {
        var stillProgressing = true
        for _ in 0..<64 {
            if phase == .closed { return }
            let progressed: Bool
            switch phase {
            case .readingHead: progressed = readHead()
            case .connecting: progressed = false
            case .exchanging: progressed = exchange()
            case .responding: progressed = respond()
            case .upgrading: progressed = upgrade()
            case .closed: return
            }
            if !progressed {
                stillProgressing = false
                break
            }
        }
        updateInterest()
        // Out of turns with work left (a fast client's next request already read into the
        // ring, say): that work has no socket readiness left to wake it, so it is queued to
        // run after this batch instead of waiting for the client's next byte, or forever.
        if stillProgressing && phase != .closed {
            loop.runAfterBatch { [weak self] in self?.drive() }
        }
    }

    /// While a request without a body (or whose body is all sent) waits for its answer, the
    /// client socket stays readable-watched and what it sends is read ahead into the ring:
    /// the next pipelined request, or early bytes of an upgraded connection. So a keep-alive
    /// connection keeps one epoll interest, readable and peer hang-up, from request to
    /// request, where switching to hang-up alone and back cost two `epoll_ctl` per request.
    private var mayReadAhead: Bool {
        guard phase == .connecting || phase == .exchanging, !clientFinSeen, clientRing.writableCount > 0 else { return false }
        guard let body = upstream?.requestBody else { return true }
        return body.end != nil
    }

    /// One read into the ring. End of stream is the client leaving (nothing read ahead and no
    /// answer yet: the upstream's work is stopped, as for a hang-up) or half-closing.
    private func readAhead() {
        let result: IOResult<Int>
        do { result = try client.read(into: clientRing.writableRegion) } catch {
            close()
            return
        }
        switch result {
        case .value(0):
            if upstream?.answered != true, clientRing.isEmpty {
                log.info("client prematurely closed connection while waiting for upstream\(context())")
                close()
            } else {
                clientFinSeen = true
            }
        case .value(let n):
            clientRing.didWrite(n)
        case .wouldBlock:
            break
        }
    }

    private func updateInterest() {
        guard phase != .closed else { return }
        var clientInterest: Interest = []
        var upstreamInterest: Interest = []
        switch phase {
        case .readingHead:
            // Hang-up too, though a read sees the end anyway: the interest then stays the
            // same while the request is proxied (see `mayReadAhead`).
            if clientRing.writableCount > 0 { clientInterest = [.readable, .peerHangup] }
        case .connecting:
            upstreamInterest.insert(.writable)
            if !clientFinSeen && upstream?.requestBody == nil { clientInterest.insert(.peerHangup) }
            if mayReadAhead { clientInterest.insert(.readable) }
        case .exchanging, .responding:
            if !out.isEmpty || fileBody != nil { clientInterest.insert(.writable) }
            if let leg = upstream {
                if !leg.requestOut.isEmpty { upstreamInterest.insert(.writable) }
                if let body = leg.requestBody, body.end == nil {
                    if body.wantsRead { clientInterest.insert(.readable) }
                    if body.wantsWrite { upstreamInterest.insert(.writable) }
                }
                if !leg.responded {
                    upstreamInterest.insert(.readable)
                    // While waiting for the answer, hear about the client leaving (EPOLLRDHUP).
                    if !clientFinSeen && (leg.requestBody == nil || leg.requestBody?.end != nil) {
                        clientInterest.insert(.peerHangup)
                    }
                }
                if mayReadAhead { clientInterest.insert(.readable) }
                if let body = leg.responseBody, body.end == nil {
                    if body.wantsRead { upstreamInterest.insert(.readable) }
                    if body.wantsWrite { clientInterest.insert(.writable) }
                }
            }
        case .upgrading:
            if !out.isEmpty || upstream?.ring.isEmpty == false { clientInterest.insert(.writable) }
            if !clientRing.isEmpty { upstreamInterest.insert(.writable) }
        case .closed:
            return
        }
        if phase == .exchanging { armExchangeTimer() }
        try? loop.setInterest(fd: client.fd, clientInterest)
        if let leg = upstream, phase != .responding { try? loop.setInterest(fd: leg.raw, upstreamInterest) }
    }

    /// What an exchange waits for, in the order that decides its timeout: nginx times each
    /// wait separately (client_body_timeout, proxy_send_timeout, proxy_read_timeout,
    /// send_timeout), between two successive operations, not for the whole transfer.
    private enum Wait: Equatable {
        case nothing
        case clientBody
        case upstreamSend
        case upstreamRead
        case clientSend
    }

    private var waiting = Wait.nothing
    private var exchangeProgressed = false

    private func currentWait() -> Wait {
        guard let leg = upstream else { return .nothing }
        if !out.isEmpty || leg.responseBody?.wantsWrite == true { return .clientSend }
        if !leg.requestOut.isEmpty || leg.requestBody?.wantsWrite == true { return .upstreamSend }
        if let body = leg.requestBody, body.end == nil, body.wantsRead, !leg.responded { return .clientBody }
        return .upstreamRead
    }

    private func timeoutMs(_ wait: Wait) -> Int64 {
        switch wait {
        case .nothing, .upstreamRead: level.timeouts.proxyRead
        case .clientBody: level.timeouts.clientBody
        case .upstreamSend: level.timeouts.proxySend
        case .clientSend: 60_000  // nginx's send_timeout default
        }
    }

    /// Restarts the exchange's timer when something moved or the wait changed; otherwise the
    /// deadline of the current wait stands.
    private func armExchangeTimer() {
        let wait = currentWait()
        if wait != waiting || exchangeProgressed {
            waiting = wait
            exchangeProgressed = false
            loop.arm(timer, afterMs: timeoutMs(wait))
        }
    }

    // MARK: reading a request

    private func readHead() -> Bool {
        var progressed = false
        if !clientRing.isEmpty {
            clientRing.linearize()
            switch parser.parse(clientRing.readableRegion) {
            case .complete(let head, let length):
                requests += 1
                let record = newRecord(head: head, bytes: UnsafeRawBufferPointer(rebasing: clientRing.readableRegion[0..<length]))
                clientRing.didRead(length)
                self.record = record
                begin(record)
                return true
            case .invalid(let error):
                log.info("client sent invalid request: \(error.reason), client: \(clientAddress)")
                localError(error.status, keepAlive: false)
                return true
            case .needMoreBytes:
                break
            }
        }
        guard clientRing.writableCount > 0 else {
            localError(431, keepAlive: false)
            return true
        }
        if clientDrained { return progressed }
        let result: IOResult<Int>
        do { result = try client.read(into: clientRing.writableRegion) } catch {
            close()
            return false
        }
        switch result {
        case .value(0):
            close()
        case .value(let n):
            clientRing.didWrite(n)
            progressed = true
        case .wouldBlock:
            clientDrained = true
        }
        return progressed
    }

    /// The record of the request just read: the last request's, started over, when nothing
    /// else holds it any more.
    private func newRecord(head: RequestHead, bytes: UnsafeRawBufferPointer) -> HTTPExchangeRecord {
        if isKnownUniquelyReferenced(&spareRecord), let spare = spareRecord {
            spare.restart(head: head, bytes: bytes, connectionRequests: requests, startedMs: loop.now)
            return spare
        }
        spareRecord = nil
        return HTTPExchangeRecord(headBytes: Array(bytes), head: head, uri: "", clientAddress: clientAddress,
                                  serverAddress: serverAddress, connectionNumber: connectionNumber,
                                  connectionRequests: requests, startedMs: loop.now)
    }

    private func begin(_ record: HTTPExchangeRecord) {
        let head = record.head
        do {
            record.uri = try record.headBytes.withUnsafeBytes { buffer throws(URIPath.Problem) in
                try URIPath.normalize(buffer[head.path.range])
            }
        } catch {
            log.info("client sent invalid request path, client: \(clientAddress)")
            localError(400, keepAlive: false)
            return
        }
        let uri = record.uri
        clientBodyPending = head.bodyFraming != .none

        // Server by Host, as nginx selects it.
        let match = onlyServer.map { ServerNameMatcher.Match(server: $0) }
            ?? http.listenGroups[listenGroup].matcher.match(host: record.host)
        serverIndex = match.server
        let serverLevel = snapshot.httpLevels[serverIndex][0]
        level = serverLevel
        record.serverName = level.serverName
        record.captures = match.captures
        keepAlive = head.keepAlive && level.timeouts.keepalive > 0
            && requests < settings.keepaliveRequests

        if let action = level.returnAction {
            returnResponse(action)
            return
        }
        // Through the local: reached through the `level` property, the matcher is copied
        // (the property could change during the call), with every table in it retained.
        switch serverLevel.locationMatcher.match(uri: uri) {
        case .none:
            break
        case .redirectAddingSlash:
            let target = uri + "/" + (head.query.map { "?" + record.text($0) } ?? "")
            redirect(301, to: target)
            return
        case .location(let index, let captures):
            level = snapshot.httpLevels[serverIndex][index + 1]
            if let captures { record.captures = captures }
            keepAlive = head.keepAlive && level.timeouts.keepalive > 0
                && requests < settings.keepaliveRequests
            if settings.isInternal {
                localError(404, keepAlive: keepAlive)
                return
            }
        }
        if settings.clientMaxBodySize > 0, let length = head.contentLength, length > settings.clientMaxBodySize {
            log.error("client intended to send too large body: \(length) bytes, client: \(clientAddress), server: \(record.serverName)")
            localError(413, keepAlive: false)
            return
        }
        if let action = level.returnAction {
            returnResponse(action)
            return
        }
        if level.websocketEcho {
            acceptWebSocketEcho(record)
            return
        }
        if let target = level.proxyPass?.config.target {
            startProxy(target)
            return
        }
        serveStatic(record)
    }

    // MARK: websocket_echo

    /// Set once a 101 for `websocket_echo` is queued: when it is out, the echo takes over.
    private var echoAfterResponse = false

    /// The opening handshake of RFC 6455 §4.2: a GET that asks to upgrade to `websocket`,
    /// version 13, with a valid key. Anything else is refused as a WebSocket server would.
    private func acceptWebSocketEcho(_ record: HTTPExchangeRecord) {
        let head = record.head
        let wantsWebSocket = head.isUpgradeRequest && head.upgrade.map { record.text($0).lowercased() == "websocket" } == true
        guard wantsWebSocket else {
            localResponse(426, contentType: "text/plain", body: Array("This location speaks WebSocket only.\n".utf8),
                          keepAlive: keepAlive, extra: [(Array("Upgrade".utf8), Array("websocket".utf8))])
            return
        }
        let version = record.fieldValues(Array("sec-websocket-version".utf8)).first.map(record.text)
        guard version == "13" else {
            localResponse(426, contentType: "text/plain", body: Array("Unsupported WebSocket version.\n".utf8),
                          keepAlive: false, extra: [(Array("Sec-WebSocket-Version".utf8), Array("13".utf8))])
            return
        }
        guard record.text(head.method) == "GET", head.bodyFraming == .none,
              let key = record.fieldValues(Array("sec-websocket-key".utf8)).first.map(record.text),
              WebSocketHandshake.isValidKey(key)
        else {
            localError(400, keepAlive: false)
            return
        }
        var response: [UInt8] = []
        response.append(ascii: "HTTP/1.1 101 Switching Protocols\r\n")
        response.appendField("Server".utf8, "switchyard".utf8)
        response.appendField("Date".utf8, worker.httpDate(loop.now).utf8)
        response.appendField("Upgrade".utf8, "websocket".utf8)
        response.appendField("Connection".utf8, "Upgrade".utf8)
        response.appendField("Sec-WebSocket-Accept".utf8, WebSocketHandshake.acceptValue(forKey: key).utf8)
        response.append(ascii: "\r\n")
        record.status = 101
        record.bytesSent = UInt64(response.count)
        out.append(response)
        echoAfterResponse = true
        phase = .responding
        loop.arm(timer, afterMs: 60_000)
    }

    private func handOffToEcho() {
        guard let record else { return }
        worker.accessLog(record, to: settings.accessLogs, maps: maps)
        worker.metrics.bytesCopied.add(record.bytesSent, ordering: .relaxed)
        loop.deregister(fd: client.fd)
        loop.disarm(timer)
        guard let socket = clientFD.take() else {
            close()
            return
        }
        let echo = WebSocketEchoSession(worker: worker, client: socket, input: clientRing, idle: settings.proxyReadTimeout)
        self.record = nil
        phase = .closed
        worker.adopt(echo)
        worker.sessionEnded(self)
        echo.start()
    }

    // MARK: static files

    /// A file being sent; the descriptor closes when the body is done or the session ends.
    private final class FileBody {
        let fd: OwnedFD
        var offset: Int64 = 0
        var remaining: Int

        init(fd: consuming OwnedFD, remaining: Int) {
            self.fd = fd
            self.remaining = remaining
        }
    }

    private var fileBody: FileBody?
    /// Bytes of the current response sent by sendfile.
    private var staticBytes: UInt64?

    private func serveStatic(_ record: HTTPExchangeRecord) {
        let method = record.text(record.head.method)
        guard method == "GET" || method == "HEAD" else {
            localError(405, keepAlive: keepAlive)
            return
        }
        let evaluator = VariableEvaluator(maps: maps, record: record, nowMs: loop.now)
        let since = record.fieldValues(Array("if-modified-since".utf8)).first.flatMap { HTTPDate.parse(record.text($0)) }
        let outcome = StaticFiles.open(
            root: settings.root, evaluator: evaluator, uri: record.uri, locationPrefix: level.pattern,
            index: settings.index.map(evaluator.evaluateString), ifModifiedSince: since,
            configDirectory: worker.configDirectory, directories: &worker.staticDirectories)
        switch outcome {
        case .status(let code):
            if code == 404 { log.error("open() \"\(record.uri)\" failed (2: No such file or directory)\(context())") }
            localError(code, keepAlive: keepAlive)
        case .addSlash:
            redirect(301, to: record.uri + "/" + (record.head.query.map { "?" + record.text($0) } ?? ""))
        case .notModified(let modified):
            localResponse(304, contentType: nil, body: [], keepAlive: keepAlive,
                          extra: [(Array("Last-Modified".utf8), Array(HTTPDate.format(modified).utf8))])
        case .file(let fd, let size, let modified, let contentType):
            let owned = OwnedFD(fd)
            localResponse(200, contentType: contentType, body: [], keepAlive: keepAlive, contentLength: size,
                          extra: [(Array("Last-Modified".utf8), Array(HTTPDate.format(modified).utf8)),
                                  (Array("Accept-Ranges".utf8), Array("none".utf8))])
            if !record.head.isHEAD && size > 0 {
                fileBody = FileBody(fd: owned, remaining: size)
                staticBytes = UInt64(size)
                record.bodyBytesSent = UInt64(size)
                record.bytesSent += UInt64(size)
            }
        }
    }

    /// Sends file bytes with sendfile(2): they go from the page cache to the socket without
    /// entering user space.
    private func pumpFile() throws(SysError) -> Bool {
        guard let body = fileBody else { return false }
        var progressed = false
        while body.remaining > 0 {
            let result = try Sys.sendfile(to: client.fd, from: body.fd.raw, offset: &body.offset, count: min(body.remaining, 1 << 20))
            guard case .value(let n) = result, n > 0 else { break }
            body.remaining -= n
            progressed = true
        }
        if body.remaining == 0 { fileBody = nil }
        return progressed
    }

    // MARK: local responses

    private func returnResponse(_ action: ReturnAction) {
        guard let record else { return }
        let evaluator = VariableEvaluator(maps: maps, record: record, nowMs: loop.now)
        if action.isRedirect {
            redirect(action.code, to: action.text.map(evaluator.evaluateString) ?? "")
        } else if let text = action.text {
            localResponse(action.code, contentType: "text/plain", body: evaluator.evaluate(text), keepAlive: keepAlive)
        } else if action.code >= 400 {
            localError(action.code, keepAlive: keepAlive)
        } else {
            localResponse(action.code, contentType: nil, body: [], keepAlive: keepAlive)
        }
    }

    private func redirect(_ code: Int, to target: String) {
        var location = target
        if location.hasPrefix("/"), let record {
            location = "http://\(record.host.isEmpty ? serverAddress.ip : record.host)"
                + (serverAddress.port == 80 ? "" : ":\(serverAddress.port)") + location
        }
        localResponse(code, contentType: "text/html", body: Array(HTTPStatus.errorPage(code).utf8),
                      keepAlive: keepAlive, extra: [(Array("Location".utf8), Array(location.utf8))])
    }

    private func localError(_ code: Int, keepAlive: Bool) {
        localResponse(code, contentType: "text/html", body: Array(HTTPStatus.errorPage(code).utf8), keepAlive: keepAlive)
    }

    /// Writes a response the router made itself. A request body not read yet would be taken
    /// for the next request, so such a connection closes after the response.
    private func localResponse(_ code: Int, contentType: String?, body: [UInt8], keepAlive wanted: Bool,
                               contentLength: Int? = nil, extra: [(name: [UInt8], value: [UInt8])] = []) {
        keepAlive = wanted && !clientBodyPending
        let isHEAD = record?.head.isHEAD ?? false
        var head: [UInt8] = []
        head.reserveCapacity(1024)  // one allocation, not one per doubling
        head.append(ascii: "HTTP/1.1 \(code) \(HTTPStatus.reason(code))\r\n")
        head.appendField("Server".utf8, "switchyard".utf8)
        head.appendField("Date".utf8, worker.httpDate(loop.now).utf8)
        if let contentType, HTTPStatus.allowsBody(code) { head.appendField("Content-Type".utf8, contentType.utf8) }
        if HTTPStatus.allowsBody(code) { head.appendField("Content-Length".utf8, String(contentLength ?? body.count).utf8) }
        for field in extra { head.appendField(field.name, field.value) }
        if let record {
            for field in addedHeaders(status: code, record: record) { head.appendField(field.name, field.value) }
        }
        head.appendField("Connection".utf8, (keepAlive ? "keep-alive" : "close").utf8)
        if keepAlive, let header = settings.keepaliveTimeout.headerTimeout {
            head.appendField("Keep-Alive".utf8, "timeout=\(header.components.seconds)".utf8)
        }
        head.append(ascii: "\r\n")
        let headCount = head.count
        if !isHEAD && HTTPStatus.allowsBody(code) { head.append(contentsOf: body) }
        record?.status = code
        record?.bytesSent = UInt64(head.count)
        record?.bodyBytesSent = UInt64(head.count - headCount)
        out.append(head)
        phase = .responding
        loop.arm(timer, afterMs: 60_000)
    }

    /// `add_header` fields for a response with `status`, evaluated: all of them for the
    /// statuses nginx adds them to, only those marked `always` for the others.
    private func addedHeaders(status: Int, record: HTTPExchangeRecord) -> [(name: [UInt8], value: [UInt8])] {
        if settings.addHeaders.isEmpty { return [] }
        let applies = [200, 201, 204, 206, 301, 302, 303, 304, 307, 308].contains(status)
        let evaluator = VariableEvaluator(maps: maps, record: record, nowMs: loop.now)
        var fields: [(name: [UInt8], value: [UInt8])] = []
        for field in settings.addHeaders where field.always || applies {
            let value = evaluator.evaluate(field.value)
            if !value.isEmpty { fields.append((Array(field.name.utf8), value)) }
        }
        return fields
    }

    private func respond() -> Bool {
        do {
            var progressed = false
            if !out.isEmpty, try out.flush(to: client) > 0 { progressed = true }
            if out.isEmpty, fileBody != nil, try pumpFile() { progressed = true }
            if progressed { loop.touch(timer, afterMs: 60_000) }
            if out.isEmpty && fileBody == nil {
                if echoAfterResponse {
                    handOffToEcho()
                    return false
                }
                finishRequest()
                return true
            }
            return progressed
        } catch {
            close()
            return false
        }
    }

    // MARK: proxying

    private func startProxy(_ target: HTTPUpstreamTarget) {
        guard let record else { return }
        let group: UpstreamGroup
        dynamicURI = nil
        if case .variable(let value) = target {
            let evaluator = VariableEvaluator(maps: maps, record: record, nowMs: loop.now)
            guard let chosen = dynamicTarget(evaluator.evaluateString(value), source: value.source) else {
                localError(502, keepAlive: false)
                return
            }
            group = chosen
        } else {
            guard let index = level.upstreamGroup, let proxyHost = level.proxyPass?.config.proxyHost else {
                localError(502, keepAlive: false)
                return
            }
            record.proxyHost = proxyHost
            group = httpGroups[index]
        }
        pick = Self.pickContext(for: group, record: record, evaluator: VariableEvaluator(maps: maps, record: record, nowMs: loop.now))
        tried.removeAll()
        let limit = settings.proxyNextUpstreamTries
        triesLeft = limit > 0 ? limit : group.spec.peers.count
        sendContinue = record.head.expectsContinue && record.head.version.isAtLeast1_1
        connectNext(group)
    }

    /// With `proxy_pass http://$x...`, the evaluated URI part, which replaces the request URI
    /// whole; nil passes the request URI as the client sent it (nginx's rules).
    private var dynamicURI: String?

    /// `proxy_pass` with variables, evaluated: `HOST[:PORT][/URI]`, where HOST names an upstream
    /// block (ignoring case) or is an IP address (port 80 by default). Anything else is a 502
    /// with an error line naming the value: there is no `resolver` to look a name up.
    private func dynamicTarget(_ text: String, source: String) -> UpstreamGroup? {
        guard let record else { return nil }
        let slash = text.firstIndex(of: "/")
        let host = String(text[..<(slash ?? text.endIndex)])
        dynamicURI = slash.map { String(text[$0...]) }
        record.proxyHost = host
        if !host.contains(":"), let group = worker.httpGroup(named: host) { return group }
        guard let group = UpstreamGroup.single(host, defaultPort: 80) else {
            log.error("\"\(host)\" from \"\(source)\" is neither an upstream nor an IP address while choosing upstream\(context())")
            return nil
        }
        return group
    }

    /// The client address (`ip_hash`), evaluated key (`hash`) and sticky cookie id a group's
    /// method needs, computed once per request.
    private static func pickContext(for group: UpstreamGroup, record: HTTPExchangeRecord,
                                    evaluator: VariableEvaluator) -> PickContext {
        var stickyID: Substring?
        if let sticky = group.spec.sticky {
            let cookies = evaluator.value(of: .httpHeader("cookie"))
            let value = VariableEvaluator.cookie(named: sticky.name, in: cookies)
            if !value.isEmpty { stickyID = Substring(String(decoding: value, as: UTF8.self)) }
        }
        switch group.spec.method {
        case .ipHash:
            return PickContext(client: record.clientAddress, stickyID: stickyID)
        case .hash(let key, _):
            return PickContext(hashKey: evaluator.evaluate(key), stickyID: stickyID)
        case .roundRobin, .leastConn, .random:
            return stickyID == nil ? PickContext() : PickContext(stickyID: stickyID)
        }
    }

    private func connectNext(_ group: UpstreamGroup) {
        guard let record else { return }
        let deadline = level.timeouts.proxyNextUpstream
        let outOfTime = deadline > 0 && loop.now - record.startedMs >= deadline
        guard triesLeft > 0, !outOfTime, let peer = group.balancer.next(now: loop.now, tried: tried, context: &pick) else {
            if tried.isEmptyFor(Array(group.spec.peers.indices)) {
                log.error("no live upstreams while connecting to upstream\(context())")
            }
            localError(upstreamTimedOut ? 504 : 502, keepAlive: false)
            return
        }
        tried.insert(peer)
        triesLeft -= 1
        record.startNextTry(timedOut: upstreamTimedOut)
        upstreamTimedOut = false
        open(group, peer: peer, reuse: true)
    }

    /// Starts the exchange with `peer`: on an idle pooled connection when one is there and
    /// `reuse` allows it, else on a new connection.
    private func open(_ group: UpstreamGroup, peer: Int, reuse: Bool) {
        guard let record else { return }
        group.balancer.acquired(peer)
        if reuse, let leg = group.pool?.take(peer: peer) {
            leg.startReusedExchange(now: loop.now)
            leg.holdsPeer = true
            upstream = leg
            record.upstreamAddress = group.spec.peers[peer].addressText
            record.upstreamConnectMs = 0
            buildUpstreamRequest(leg)
            phase = .exchanging
            waiting = .nothing
            do {
                // The request is written in this same pass; writable is asked for only if the
                // socket is full, so the handover keeps the pool's interest and costs nothing.
                try loop.transfer(fd: leg.raw, interest: .readable, to: self)
            } catch {
                upstreamFailed(error, timedOut: false)
            }
            return
        }
        let address = group.spec.peers[peer].address
        let fd: Int32
        do {
            fd = try Sys.socket(family: address.family, type: Int32(SOCK_STREAM.rawValue))
        } catch {
            log.alert("\(error) while connecting to upstream\(context())")
            localError(502, keepAlive: false)
            return
        }
        try? Sys.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        let leg = UpstreamLeg(group: group, peer: peer, fd: OwnedFD(fd), ring: worker.rings.take(capacity: 16384), now: loop.now)
        leg.holdsPeer = true
        upstream = leg
        record.upstreamAddress = group.spec.peers[peer].addressText
        buildUpstreamRequest(leg)
        phase = .connecting
        do {
            try loop.register(fd: fd, interest: .writable, handler: self)
            if case .value = try Sys.connect(fd, to: address) {
                leg.connected = true
                phase = .exchanging
                waiting = .nothing  // the exchange arms its own timer on the next pass
            } else {
                loop.arm(timer, afterMs: level.timeouts.proxyConnect)
            }
        } catch {
            upstreamFailed(error, timedOut: false)
        }
    }

    private var upstreamTimedOut = false

    private func buildUpstreamRequest(_ leg: UpstreamLeg) {
        guard let record, let proxyPass = level.proxyPass else { return }
        let prefix = level.isRegex ? nil : level.pattern
        let headerPlan = level.plan
        worker.upstreamFieldsScratch.removeAll(keepingCapacity: true)
        var evaluator: VariableEvaluator?  // most levels' values are all literal
        for field in headerPlan.setFields {
            if let literal = field.literal {
                worker.upstreamFieldsScratch.append((field.name, literal))
            } else {
                let values = evaluator ?? VariableEvaluator(maps: maps, record: record, nowMs: loop.now)
                evaluator = values
                worker.upstreamFieldsScratch.append((field.name, values.evaluate(field.value)))
            }
        }
        worker.upstreamTargetScratch.removeAll(keepingCapacity: true)
        if let dynamicURI {
            worker.upstreamTargetScratch.append(contentsOf: dynamicURI.utf8)
        } else {
            ProxyPassURI.write(proxyPass: proxyPass.config, locationPrefix: prefix, record: record, into: &worker.upstreamTargetScratch)
        }
        let connectionValue = headerPlan.connectionField.map { worker.upstreamFieldsScratch[$0].value } ?? []
        let useHTTP11 = settings.proxyHTTPVersion == .http1_1 || record.head.isChunked
        // Reuse needs HTTP/1.1 and a Connection field that is empty (not sent) or keep-alive:
        // nginx's default `Connection: close` and an upgrade's `Connection: upgrade` end it.
        leg.reusable = leg.group.pool != nil && useHTTP11
            && (connectionValue.isEmpty || connectionValue.map { $0 | 0x20 } == Array("keep-alive".utf8))
        let plan = UpstreamRequestPlan(
            uri: worker.upstreamTargetScratch, version: useHTTP11 ? .http1_1 : .http1_0,
            setFields: worker.upstreamFieldsScratch, passRequestHeaders: settings.proxyPassRequestHeaders,
            passRequestBody: settings.proxyPassRequestBody, setFieldNames: headerPlan.setFieldNames)
        let head = record.head
        record.headBytes.withUnsafeBytes { buffer in
            leg.requestOut.append { RequestHeadBuilder.build(head, buffer: buffer, plan: plan, into: &$0) }
        }
        leg.requestBody = makeRequestBody(leg, record: record)
    }

    private func makeRequestBody(_ leg: UpstreamLeg, record: HTTPExchangeRecord) -> BodyFlow? {
        let framer: any BodyFramer
        switch record.head.bodyFraming {
        case .none: return nil
        case .contentLength(let length): framer = LengthFramer(length: UInt64(length))
        case .chunked: framer = ChunkedFramer(limit: settings.clientMaxBodySize)
        }
        // `proxy_pass_request_body off`: the body is read and dropped, so it can neither reach
        // the upstream nor be taken for the next request.
        let destination: Transport = settings.proxyPassRequestBody ? leg.transport : DiscardTransport(fd: leg.transport.fd)
        return BodyFlow(source: client, ring: clientRing, destination: destination, framer: framer)
    }

    /// One pass over the exchange: request head and body out, response head and body back.
    private func exchange() -> Bool {
        guard let leg = upstream else { return false }
        var progressed = false
        do {
            if !leg.requestOut.isEmpty {
                if try leg.requestOut.flush(to: leg.transport) > 0 { progressed = true }
            }
            if leg.requestOut.isEmpty && sendContinue && !leg.responded {
                sendContinue = false
                out.append(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                progressed = true
            }
            if leg.requestOut.isEmpty, let body = leg.requestBody, body.end == nil, !leg.answered || leg.responded {
                if try body.pump(sourceSide: .client, destinationSide: .upstream) > 0 { progressed = true }
                if body.end != nil { clientBodyPending = false; progressed = true }
            }
        } catch let failure as BodyFlowFailure {
            if failure.side == .client {
                if case .framing(_, let problem) = failure, let leg = upstream, !leg.responded {
                    // A chunked body over client_max_body_size, or broken chunk framing: the
                    // upstream has not answered, so the client still gets a status.
                    let tooLarge = problem.description == ChunkedFramer.tooLarge
                    log.error(tooLarge ? "client intended to send too large chunked body\(context())"
                                       : "client sent invalid chunked body: \(problem)\(context())")
                    dropUpstream()
                    localError(tooLarge ? 413 : 400, keepAlive: false)
                    return true
                }
                log.info("client prematurely closed connection while sending request body\(context())")
                close()
                return false
            }
            return upstreamError(failure)
        } catch {
            upstreamFailed(error as? SysError, timedOut: false)
            return false
        }
        if !leg.responded {
            switch readResponseHead(leg) {
            case .progressed: progressed = true
            case .waiting: break
            case .failed: return false
            }
            // A 101 turned the exchange into an upgrade: the next pass belongs to it.
            if phase != .exchanging { return true }
        }
        do {
            if !out.isEmpty {
                let n = try out.flush(to: client)
                if n > 0 { progressed = true; record?.bytesSent += UInt64(n) }
            }
            if out.isEmpty, let body = leg.responseBody, body.end == nil {
                let leadBefore = body.leadWritten
                let n = try body.pump(sourceSide: .upstream, destinationSide: .client)
                let headBytes = body.leadWritten - leadBefore
                if n > 0 || headBytes > 0 {
                    progressed = true
                    record?.bytesSent += UInt64(n + headBytes)
                    record?.bodyBytesSent += UInt64(n)
                }
                if body.end != nil { progressed = true }
            }
        } catch let failure as BodyFlowFailure {
            if failure.side == .client {
                log.info("client closed connection while sending response\(context())")
            } else {
                log.error("\(failure) while reading upstream\(context())")
            }
            close()
            return false
        } catch {
            close()
            return false
        }
        if progressed { exchangeProgressed = true }
        if leg.responseDone && out.isEmpty {
            if !leg.requestDone { keepAlive = false }
            record?.upstreamResponseMs = loop.now - leg.connectStartedMs
            finishRequest()
            return true
        }
        return progressed
    }

    private enum HeadStep { case progressed, waiting, failed }

    private func readResponseHead(_ leg: UpstreamLeg) -> HeadStep {
        guard let record else { return .failed }
        var progressed = false
        while !leg.responded {
            if !leg.ring.isEmpty {
                leg.ring.linearize()
                switch leg.parser.parse(leg.ring.readableRegion) {
                case .complete(let head, let length):
                    // The head is rebuilt from the ring itself, in this pass: consumed, its
                    // bytes stay where they are until the next read into the ring.
                    let bytes = UnsafeRawBufferPointer(rebasing: leg.ring.readableRegion[0..<length])
                    leg.ring.didRead(length)
                    if head.isInformational && !head.isSwitchingProtocols {
                        progressed = true  // 100 Continue and friends: ours went out already
                        continue
                    }
                    if head.isSwitchingProtocols {
                        guard record.head.isUpgradeRequest else {
                            // Nobody asked to switch: the upstream is confused, or lying.
                            log.error("upstream sent 101 Switching Protocols to a request that asked for no upgrade\(context())")
                            return failResponse(leg, status: 502)
                        }
                        beginUpgrade(head, bytes: bytes, leg: leg, record: record)
                        return .progressed
                    }
                    if let condition = Self.retryCondition(status: head.status), canRetry(condition),
                       leg.group.spec.peers.indices.contains(where: { !tried.contains($0) }) {
                        // proxy_next_upstream http_5xx/403/404/429: nothing reached the client
                        // yet, so this answer is dropped and the next server asked.
                        log.warn("upstream answered \(head.status), passing the request to the next upstream\(context())")
                        record.upstreamStatus = head.status
                        if condition != .http403 && condition != .http404 {
                            reportFailure(leg)
                        }
                        dropUpstream()
                        connectNext(leg.group)
                        return .failed
                    }
                    acceptResponse(head, bytes: bytes, leg: leg, record: record)
                    return .progressed
                case .invalid(let error):
                    log.error("upstream sent invalid header: \(error.reason) while reading response header from upstream\(context())")
                    return failResponse(leg, status: 502, retry: .invalidHeader)
                case .needMoreBytes:
                    break
                }
            }
            guard leg.ring.writableCount > 0 else {
                log.error("upstream sent too big header while reading response header from upstream\(context())")
                return failResponse(leg, status: 502, retry: .invalidHeader)
            }
            if leg.drained { return progressed ? .progressed : .waiting }
            let result: IOResult<Int>
            do { result = try leg.transport.read(into: leg.ring.writableRegion) } catch {
                upstreamFailed(error, timedOut: false)
                return .failed
            }
            switch result {
            case .value(0):
                if retryOnNewConnection(leg) { return .failed }
                log.error("upstream prematurely closed connection while reading response header from upstream\(context())")
                return failResponse(leg, status: 502, retry: .error)
            case .value(let n):
                leg.ring.didWrite(n)
                leg.bytesReceived += n
                progressed = true
            case .wouldBlock:
                leg.drained = true
                return progressed ? .progressed : .waiting
            }
        }
        return .progressed
    }

    /// nginx's `free_peer` with a failure: counts toward `max_fails`, and says so once when
    /// the server is taken out for `fail_timeout`.
    private func reportFailure(_ leg: UpstreamLeg) {
        leg.group.balancer.report(leg.peer, failed: true, now: loop.now)
        // A lone server is never taken out (nginx ignores max_fails then), so nothing to say.
        if leg.group.spec.peers.count > 1, leg.group.balancer.justDisabled(leg.peer) {
            let phase = leg.connected ? "reading response header from" : "connecting to"
            log.warn("upstream server temporarily disabled while \(phase) upstream\(context())")
        }
    }

    private func acceptResponse(_ head: ResponseHead, bytes: UnsafeRawBufferPointer, leg: UpstreamLeg, record: HTTPExchangeRecord) {
        // The server answered: a success for failure accounting (a status that
        // proxy_next_upstream retries was counted as a failure before this point).
        leg.group.balancer.report(leg.peer, failed: false, now: loop.now)
        leg.responded = true
        leg.answered = true
        record.upstreamStatus = head.status
        record.status = head.status
        let framing = head.bodyFraming(requestMethodIsHEAD: record.head.isHEAD)
        // An HTTP/1.0 client cannot take chunked coding: it gets the payload, delimited by close.
        let dechunk = framing == .chunked && !record.head.version.isAtLeast1_1
        if framing == .untilClose || dechunk { keepAlive = false }
        if framing == .untilClose || !head.keepAlive || !head.version.isAtLeast1_1 { leg.reusable = false }
        let hidden = headerPlan.hidden
        var added = addedHeaders(status: head.status, record: record)
        if let sticky = leg.group.spec.sticky, let id = leg.group.spec.stickyID(of: leg.peer), pick.stickyID != Substring(id) {
            // A new client, or one whose server went away: name the server that answered.
            let value = StickyCookie.setCookie(sticky, id: id, now: TimeCache.now().seconds)
            added.append((Array("Set-Cookie".utf8), Array(value.utf8)))
        }
        let plan = ClientResponsePlan(keepAlive: keepAlive, hidden: hidden, added: added,
                                      date: worker.httpDate(loop.now))
        var plan2 = plan
        plan2.dechunked = dechunk
        plan2.keepAliveHeaderSeconds = settings.keepaliveTimeout.headerTimeout?.components.seconds
        // `proxy_redirect default`: the proxy_pass URL in a redirect becomes the location.
        if settings.proxyRedirect == .default, let redirect = level.defaultRedirect {
            plan2.redirect = redirect
        }
        switch framing {
        case .none:
            leg.responseBody = nil
        case .contentLength(let length):
            leg.responseBody = responseFlow(leg, framer: LengthFramer(length: UInt64(length)))
        case .chunked:
            leg.responseBody = responseFlow(leg, framer: ChunkedFramer(), transform: dechunk ? ChunkPayloadExtractor() : nil)
        case .untilClose:
            leg.responseBody = responseFlow(leg, framer: UntilCloseFramer())
        }
        // The head leaves with the first body bytes in one write when they are there (most
        // small responses), else alone; a de-chunked body keeps the plain path.
        if let body = leg.responseBody, !dechunk {
            body.lead { ResponseHeadBuilder.build(head, buffer: bytes, plan: plan2, into: &$0) }
        } else {
            out.append { ResponseHeadBuilder.build(head, buffer: bytes, plan: plan2, into: &$0) }
        }
    }

    /// The flow of a response body to the client: the one the last response on this client
    /// connection used, when there was one, started over.
    private func responseFlow(_ leg: UpstreamLeg, framer: any BodyFramer, transform: (any BodyTransform)? = nil) -> BodyFlow {
        guard let flow = spareResponseFlow else {
            return BodyFlow(source: leg.transport, ring: leg.ring, destination: client, framer: framer, transform: transform)
        }
        spareResponseFlow = nil
        flow.restart(source: leg.transport, ring: leg.ring, destination: client, framer: framer, transform: transform)
        return flow
    }

    /// A failure before any response byte reached the client: try the next peer when
    /// `proxy_next_upstream` allows it, else answer with `status`.
    private func failResponse(_ leg: UpstreamLeg, status: Int, retry: NextUpstreamConditions = []) -> HeadStep {
        reportFailure(leg)
        dropUpstream()
        if canRetry(retry) {
            phase = .connecting
            connectNext(leg.group)
        } else {
            localError(status, keepAlive: false)
        }
        return .failed
    }

    /// The `proxy_next_upstream` condition a response status matches, if any.
    private static func retryCondition(status: Int) -> NextUpstreamConditions? {
        switch status {
        case 500: .http500
        case 502: .http502
        case 503: .http503
        case 504: .http504
        case 403: .http403
        case 404: .http404
        case 429: .http429
        default: nil
        }
    }

    private func canRetry(_ condition: NextUpstreamConditions) -> Bool {
        guard let record, !condition.isEmpty, settings.proxyNextUpstream.contains(condition), triesLeft > 0 else { return false }
        // A request body streams out as it arrives and is not kept: it cannot be sent twice.
        if record.head.bodyFraming != .none { return false }
        return Self.isIdempotent(record) || settings.proxyNextUpstream.contains(.nonIdempotent)
    }

    /// nginx's rule: POST, LOCK and PATCH may have had effects, so they are not sent twice.
    private static func isIdempotent(_ record: HTTPExchangeRecord) -> Bool {
        !["POST", "LOCK", "PATCH"].contains(record.text(record.head.method))
    }

    private func upstreamError(_ failure: BodyFlowFailure) -> Bool {
        if let leg = upstream, retryOnNewConnection(leg) { return false }
        log.error("\(failure) while sending request to upstream\(context())")
        if let leg = upstream, !leg.answered {
            _ = failResponse(leg, status: 502)
        } else {
            close()
        }
        return false
    }

    /// Connecting or talking to the upstream failed (`error` nil for a timeout).
    private func upstreamFailed(_ error: SysError?, timedOut: Bool) {
        guard let leg = upstream else { return }
        if !timedOut, retryOnNewConnection(leg) { return }
        if let error {
            log.error("\(error) while connecting to upstream\(context())")
        } else {
            log.error("upstream timed out (110: Connection timed out) while \(leg.connected ? "reading response header from" : "connecting to") upstream\(context())")
        }
        upstreamTimedOut = timedOut
        worker.metrics.upstreamFailures.add(1, ordering: .relaxed)
        if leg.answered {
            close()
            return
        }
        _ = failResponse(leg, status: timedOut ? 504 : 502, retry: timedOut ? .timeout : .error)
    }

    /// A pooled connection the upstream closed while it was idle (the race every keep-alive
    /// client has) fails before the first response byte: the request goes again once, to
    /// the same peer on a new connection, without counting as the peer's failure. A request
    /// whose body already streamed out cannot be sent twice.
    private func retryOnNewConnection(_ leg: UpstreamLeg) -> Bool {
        guard leg.reused, leg.bytesReceived == 0, !leg.answered, let record, record.head.bodyFraming == .none,
              Self.isIdempotent(record) || settings.proxyNextUpstream.contains(.nonIdempotent) else {
            return false
        }
        log.info("keep-alive connection to upstream closed before the response, retrying on a new connection\(context())")
        dropUpstream()
        phase = .connecting
        open(leg.group, peer: leg.peer, reuse: false)
        return true
    }

    private func dropUpstream() {
        guard let leg = upstream else { return }
        if leg.holdsPeer {
            leg.holdsPeer = false
            leg.group.balancer.released(leg.peer)
        }
        if let body = leg.responseBody, body.end == .complete { spareResponseFlow = body }
        if leg.canReturnToPool, let pool = leg.group.pool {
            // The pool takes the registration over as it is (`put` transfers it).
            pool.put(leg)
        } else {
            loop.deregister(fd: leg.raw)
            leg.fd = nil
            giveBack(&leg.ring)
        }
        upstream = nil
    }

    private func context() -> String {
        Self.context(record: record, client: clientAddress)
    }

    /// The end of an error line: client, server, request line and upstream, as nginx writes it.
    private static func context(record: HTTPExchangeRecord?, client clientAddress: SocketAddress) -> String {
        guard let record else { return ", client: \(clientAddress), server: " }
        return LogContext(record, client: clientAddress).text
    }

    /// What an error line about a request ends with, kept apart from the record so an
    /// upgraded connection holds these few strings for its lifetime, not the whole record.
    private struct LogContext {
        let client: SocketAddress
        let server: String
        let method: String
        let target: String
        let version: SwitchyardWire.HTTPVersion
        let upstream: String

        init(_ record: HTTPExchangeRecord, client: SocketAddress) {
            self.client = client
            server = record.serverName
            method = record.text(record.head.method)
            target = record.text(record.head.target)
            version = record.head.version
            upstream = record.upstreamAddress
        }

        var text: String {
            var text = ", client: \(client), server: \(server), request: \"\(method) \(target) \(version)\""
            if !upstream.isEmpty { text += ", upstream: \"\(upstream)\"" }
            return text
        }
    }

    // MARK: upgrades

    /// The upstream agreed to switch protocols: the 101 goes to the client, then bytes either
    /// side sent early (already read into the rings) are written on, then the sockets belong
    /// to a splice tunnel.
    private func beginUpgrade(_ head: ResponseHead, bytes: UnsafeRawBufferPointer, leg: UpstreamLeg, record: HTTPExchangeRecord) {
        leg.responded = true
        leg.answered = true
        record.upstreamStatus = 101
        record.status = 101
        let plan = ClientResponsePlan(keepAlive: false, hidden: ClientResponsePlan.defaultHidden, added: [],
                                      date: worker.httpDate(loop.now))
        let before = out.pendingCount
        out.append { ResponseHeadBuilder.build(head, buffer: bytes, plan: plan, into: &$0) }
        record.bytesSent += UInt64(out.pendingCount - before)
        phase = .upgrading
        loop.arm(timer, afterMs: level.timeouts.proxySend)
    }

    private func upgrade() -> Bool {
        guard let leg = upstream else { return false }
        var progressed = false
        do {
            if !out.isEmpty, try out.flush(to: client) > 0 { progressed = true }
            if out.isEmpty, try Self.drain(leg.ring, to: client) { progressed = true }
            if try Self.drain(clientRing, to: leg.transport) { progressed = true }
        } catch {
            log.info("\(error) while switching protocols\(context())")
            close()
            return false
        }
        guard out.isEmpty && leg.ring.isEmpty && clientRing.isEmpty else { return progressed }
        handOffToTunnel(leg)
        return false
    }

    /// Writes what a ring holds; true when anything was written.
    private static func drain(_ ring: RingBuffer, to transport: Transport) throws(SysError) -> Bool {
        var written = false
        while !ring.isEmpty {
            guard case .value(let n) = try transport.write(UnsafeRawBufferPointer(ring.readableRegion)) else { break }
            ring.didRead(n)
            written = true
        }
        return written
    }

    private func handOffToTunnel(_ leg: UpstreamLeg) {
        guard let record else { return }
        worker.accessLog(record, to: settings.accessLogs, maps: maps)
        worker.metrics.bytesCopied.add(record.bytesSent, ordering: .relaxed)
        // Formatted only if a line is written: the addresses and request line cost more to
        // format than the rest of a handshake's user-space work.
        let pieces = LogContext(record, client: clientAddress)
        let description = { pieces.text }
        loop.deregister(fd: client.fd)
        loop.deregister(fd: leg.raw)
        loop.disarm(timer)
        guard let clientSocket = clientFD.take(), let upstreamSocket = leg.fd.take() else {
            close()
            return
        }
        let tunnel = Tunnel(client: clientSocket, upstream: upstreamSocket, mode: Worker.tunnelMode(splice: settings.proxySplice),
                            halfClose: true, pool: worker.pipes)
        // The tunnel keeps counting against the peer until it ends.
        let held = leg.holdsPeer ? (group: leg.group, peer: leg.peer) : nil
        leg.holdsPeer = false
        let upgraded = UpgradedSession(worker: worker, tunnel: tunnel, readTimeout: settings.proxyReadTimeout,
                                       sendTimeout: settings.proxySendTimeout, context: description, held: held)
        upstream = nil
        self.record = nil
        phase = .closed
        // Both rings were drained before the hand-off; the tunnel splices, it needs neither.
        giveBack(&leg.ring)
        giveBack(&clientRing)
        worker.adopt(upgraded)
        worker.sessionEnded(self)
        do {
            try upgraded.start()
        } catch {
            log.alert("\(error) while starting the upgraded tunnel\(description())")
            upgraded.abort("registration failed")
        }
    }

    // MARK: the end of a request

    private func finishRequest() {
        if let record {
            worker.accessLog(record, to: settings.accessLogs, maps: maps)
            // Everything but sendfile'd file bytes went through user space.
            var copied = record.bytesSent - (staticBytes ?? 0)
            if let body = upstream?.requestBody { copied += body.bytes }
            worker.metrics.bytesCopied.add(copied, ordering: .relaxed)
        }
        staticBytes = nil
        dropUpstream()
        spareRecord = record
        record = nil
        if !keepAlive || clientBodyPending {
            close()
            return
        }
        phase = .readingHead
        clientDrained = true
        loop.arm(timer, afterMs: level.timeouts.keepalive)
    }

    private func close() {
        guard phase != .closed else { return }
        phase = .closed
        fileBody = nil
        loop.disarm(timer)
        dropUpstream()
        if let fd = clientFD?.raw { loop.deregister(fd: fd) }
        clientFD = nil
        giveBack(&clientRing)
        worker.sessionEnded(self)
    }

    /// Returns a ring the session is done with to the loop's pool, when nothing else holds
    /// it (a spare body flow may). Only for a session that has closed: it never touches the
    /// ring again.
    private func giveBack(_ ring: inout RingBuffer) {
        if isKnownUniquelyReferenced(&ring) { worker.rings.give(ring) }
    }

    func abort(_ reason: String) {
        close()
    }

    /// Graceful stop: a connection idle between requests closes now; one busy with a
    /// request closes when that request is done.
    func quit() {
        keepAlive = false
        if phase == .readingHead && clientRing.isEmpty { close() }
    }
}

@available(*, unavailable)
extension HTTPSession: Sendable {}
