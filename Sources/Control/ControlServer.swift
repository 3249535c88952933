import Glibc
import NIOCore
import NIOPosix
import Synchronization

/// Where and how the control socket listens.
public struct ControlServerConfiguration: Sendable {
    public var path: String
    /// File mode of the socket (0660 by default).
    public var mode: UInt32
    /// Group that owns the socket (its members may connect); nil: the daemon's own.
    public var group: String?
    public var roles: RoleMap
    /// Longest request line, in bytes.
    public var maxLineBytes: Int
    /// Bytes of responses and events a client may leave unread before it is cut off.
    public var maxQueuedBytes: Int
    public var maxClients: Int

    public init(path: String, mode: UInt32 = 0o660, group: String? = nil, roles: RoleMap = RoleMap(),
                maxLineBytes: Int = 64 * 1024, maxQueuedBytes: Int = 4 * 1024 * 1024, maxClients: Int = 128) {
        self.path = path
        self.mode = mode
        self.group = group
        self.roles = roles
        self.maxLineBytes = maxLineBytes
        self.maxQueuedBytes = maxQueuedBytes
        self.maxClients = maxClients
    }
}

/// Why the control socket could not be opened.
public struct ControlServerError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let reason: String
    public var description: String { "\(operation): \(reason)" }
}

/// The control socket: a Unix stream socket speaking newline-delimited JSON. Each client gets
/// its role from its peer credentials; every request line gets exactly one response; after
/// `events.subscribe` the daemon's events stream on the same connection. Bad input costs the
/// client an error response, never the server; a client that stops reading is dropped.
public final class ControlServer: Sendable {
    public let configuration: ControlServerConfiguration
    private let handler: any ControlHandler
    private let group: MultiThreadedEventLoopGroup
    private let channel: Mutex<Channel?> = Mutex(nil)
    private let sessions = Mutex<[Int: ControlSession]>([:])
    private let nextSession = Atomic<Int>(1)
    /// Told of what happens to clients: refused, dropped for not reading.
    private let log: @Sendable (String) -> Void

    /// The built-in commands the server answers itself.
    public static let builtIn: [String: ControlCommand] = [
        "events.subscribe": ControlCommand(.operator, "stream events on this connection (filters: kinds, spans, queues, agents)"),
        "events.unsubscribe": ControlCommand(.operator, "stop streaming events"),
        "help": ControlCommand(.operator, "the commands and the role each needs"),
        "whoami": ControlCommand(.operator, "this connection's user and role"),
    ]

    public init(_ configuration: ControlServerConfiguration, handler: any ControlHandler,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.handler = handler
        self.log = log
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Bind the socket (refusing if another server answers on it) and start accepting clients.
    public func start() async throws(ControlServerError) {
        let path = configuration.path
        if access(path, F_OK) == 0 {
            if Self.someoneListens(on: path) {
                throw ControlServerError(operation: "open the control socket \(path)",
                                         reason: "another daemon is serving it; stop that one first")
            }
            unlink(path)
        }
        let bound: Channel
        do {
            bound = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .childChannelInitializer { [self] child in self.accept(child) }
                .bind(unixDomainSocketPath: path)
                .get()
        } catch {
            throw ControlServerError(operation: "open the control socket \(path)", reason: "\(error)")
        }
        channel.withLock { $0 = bound }
        guard chmod(path, mode_t(configuration.mode)) == 0 else {
            throw ControlServerError(operation: "set the mode of \(path)", reason: String(cString: strerror(errno)))
        }
        if let name = configuration.group {
            guard let gid = UnixAccounts.groupID(name) else {
                throw ControlServerError(operation: "give \(path) to group \(name)", reason: "no such group")
            }
            guard chown(path, uid_t.max, gid) == 0 else {
                throw ControlServerError(operation: "give \(path) to group \(name)", reason: String(cString: strerror(errno)))
            }
        }
    }

    /// Close the socket and every client.
    public func stop() async {
        let bound = channel.withLock { c -> Channel? in
            defer { c = nil }
            return c
        }
        try? await bound?.close()
        for session in sessions.withLock({ Array($0.values) }) { session.close() }
        unlink(configuration.path)
        try? await group.shutdownGracefully()
    }

    /// Send `event` to every client whose subscription takes it.
    public func publish(_ event: ControlEvent) {
        let line = ControlResponse.event(event.body.merging(kind: event.kind)).line()
        for session in sessions.withLock({ Array($0.values) }) where session.wants(event) {
            session.outbox.send(line)
        }
    }

    /// Clients connected now.
    public var clientCount: Int { sessions.withLock { $0.count } }

    // MARK: Connections

    private func accept(_ child: Channel) -> EventLoopFuture<Void> {
        guard let provider = child as? SocketOptionProvider else {
            return child.close()
        }
        let future: EventLoopFuture<SocketPeerCredentials> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET),
                                                                           name: SocketOptionName(SO_PEERCRED))
        let configuration = self.configuration
        return future.flatMap { [self] credentials in
            let user = UnixAccounts.userName(credentials.uid)
            let role = configuration.roles.role(uid: credentials.uid, userName: user,
                                                groupNames: UnixAccounts.groupNames(user: user, gid: credentials.gid))
            let id = nextSession.wrappingAdd(1, ordering: .relaxed).oldValue
            let peer = ControlPeer(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid, user: user,
                                   role: role ?? .operator, connection: id)
            let refusal: ControlFailure?
            if role == nil {
                refusal = ControlFailure(id: .null, code: .forbidden, message: "user \(user ?? String(credentials.uid)) has no role on this daemon")
            } else if sessions.withLock({ $0.count }) >= configuration.maxClients {
                refusal = ControlFailure(id: .null, code: .unavailable, message: "too many control clients (\(configuration.maxClients))")
            } else {
                refusal = nil
            }
            do {
                let wrapped = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                let session = ControlSession(id: id, peer: peer, channel: child, limit: configuration.maxQueuedBytes) { [log] in
                    log("control: dropped \(peer): it left more than \(configuration.maxQueuedBytes) bytes unread")
                }
                let executor = ControlTaskExecutor(label: "pstn.control.\(id)")
                if let refusal {
                    log("control: refused pid \(credentials.pid): \(refusal.message)")
                    Task(executorPreference: executor) { await self.refuse(wrapped, refusal) }
                } else {
                    sessions.withLock { $0[id] = session }
                    Task(executorPreference: executor) { await self.serve(session, wrapped) }
                }
                return child.eventLoop.makeSucceededVoidFuture()
            } catch {
                return child.close()
            }
        }
    }

    /// Tell a client it may not use the socket: the refusal at once, then the same refusal (with
    /// its id) for each request it had already sent, up to a few and for a few seconds, then
    /// close. Closing on unread requests would reset the connection before the client reads why.
    private func refuse(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ failure: ControlFailure) async {
        let limit = configuration.maxLineBytes
        try? await connection.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: ControlResponse.failure(failure).line()))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    var framer = LineFramer(limit: limit)
                    var answered = 0
                    for try await buffer in inbound {
                        for piece in framer.feed(buffer.readableBytesView) {
                            guard case let .line(bytes) = piece else { continue }
                            var refusal = failure
                            if case let .success(request) = ControlRequest.parse(bytes) { refusal.id = request.id }
                            try await outbound.write(ByteBuffer(bytes: ControlResponse.failure(refusal).line()))
                            answered += 1
                        }
                        if answered >= 16 { return }
                    }
                }
                tasks.addTask { try await Task.sleep(for: .seconds(5)) }
                try await tasks.next()
                tasks.cancelAll()
            }
        }
    }

    private func serve(_ session: ControlSession, _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        defer {
            _ = sessions.withLock { $0.removeValue(forKey: session.id) }
            let handler = self.handler
            Task { await handler.disconnected(session.peer) }
        }
        try? await connection.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    for await line in session.outbox.lines {
                        try await outbound.write(ByteBuffer(bytes: line))
                        session.outbox.written(line.count)
                    }
                    // Overflowed or finished: nothing more goes to this client.
                    session.close()
                }
                var framer = LineFramer(limit: configuration.maxLineBytes)
                for try await buffer in inbound {
                    for piece in framer.feed(buffer.readableBytesView) {
                        guard !session.outbox.overflowed else { break }
                        switch piece {
                        case .tooLong:
                            session.outbox.send(ControlResponse.failure(ControlFailure(
                                id: .null, code: .lineTooLong,
                                message: "a request line is limited to \(configuration.maxLineBytes) bytes")).line())
                        case let .line(bytes):
                            session.outbox.send(await respond(to: bytes, in: session).line())
                        }
                    }
                }
                session.outbox.finish()
                try await tasks.waitForAll()
            }
        }
    }

    // MARK: Requests

    private func respond(to line: [UInt8], in session: ControlSession) async -> ControlResponse {
        let request: ControlRequest
        switch ControlRequest.parse(line) {
        case let .success(r): request = r
        case let .failure(f): return .failure(f)
        }
        func fail(_ code: ControlErrorCode, _ message: String) -> ControlResponse {
            .failure(ControlFailure(id: request.id, code: code, message: message))
        }
        let commands = handler.commands.merging(Self.builtIn) { own, _ in own }
        guard let command = commands[request.command] else {
            return fail(.unknownCommand, "no command \(request.command); 'help' lists them")
        }
        guard session.peer.role >= command.role else {
            return fail(.forbidden, "\(request.command) needs the \(command.role.rawValue) role; \(session.peer.user ?? "this user") has \(session.peer.role.rawValue)")
        }
        switch request.command {
        case "events.subscribe":
            do {
                session.subscribe(try EventFilter(arguments: request.arguments))
            } catch {
                return fail(error.code, error.message)
            }
            return .success(id: request.id, result: .object(["subscribed": .bool(true)]))
        case "events.unsubscribe":
            session.subscribe(nil)
            return .success(id: request.id, result: .object(["subscribed": .bool(false)]))
        case "help":
            let list = commands.sorted { $0.key < $1.key }.map { name, c in
                JSONValue.object(["command": .string(name), "role": .string(c.role.rawValue), "summary": .string(c.summary)])
            }
            return .success(id: request.id, result: .array(list))
        case "whoami":
            let p = session.peer
            return .success(id: request.id, result: .object([
                "user": p.user.map(JSONValue.string) ?? .null, "uid": .number(Double(p.uid)),
                "pid": .number(Double(p.pid)), "role": .string(p.role.rawValue)]))
        default:
            switch await handler.handle(request, from: session.peer) {
            case let .success(result): return .success(id: request.id, result: result)
            case let .failure(f): return fail(f.code, f.message)
            }
        }
    }

    /// True when something accepts connections on the socket at `path`.
    public static func someoneListens(on path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard var address = UnixSocketAddress(path: path) else { return false }
        return address.connect(fd) == 0
    }
}

/// One connected client: who it is, what it subscribed to, and its queue of lines.
final class ControlSession: Sendable {
    let id: Int
    let peer: ControlPeer
    let outbox: ControlOutbox
    private let channel: Channel
    private let filter = Mutex<EventFilter?>(nil)

    init(id: Int, peer: ControlPeer, channel: Channel, limit: Int, onOverflow: @escaping @Sendable () -> Void) {
        self.id = id
        self.peer = peer
        self.channel = channel
        outbox = ControlOutbox(limit: limit) { [channel] in
            onOverflow()
            channel.close(promise: nil)
        }
    }

    func subscribe(_ new: EventFilter?) { filter.withLock { $0 = new } }

    func wants(_ event: ControlEvent) -> Bool { filter.withLock { $0?.matches(event) ?? false } }

    func close() {
        outbox.finish()
        channel.close(promise: nil)
    }
}

extension JSONValue {
    /// An event body with its kind added (`{"kind":..., ...}`).
    func merging(kind: String) -> JSONValue {
        if case var .object(o) = self {
            o["kind"] = .string(kind)
            return .object(o)
        }
        return .object(["kind": .string(kind), "data": self])
    }
}
