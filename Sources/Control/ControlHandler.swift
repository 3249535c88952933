/// What the control socket serves: the commands, each with the least role that may use it, and
/// the code that answers them. The daemon implements it; the server does framing, roles,
/// subscriptions and slow clients.
public protocol ControlHandler: Sendable {
    /// Every command this handler answers, by name.
    var commands: [String: ControlCommand] { get }
    /// Answer `request` for `client`; a failure's id is set by the server.
    func handle(_ request: ControlRequest, from client: ControlPeer) async -> Result<JSONValue, ControlFailure>
    /// `client`'s connection closed (an agent's desktop may be gone).
    func disconnected(_ client: ControlPeer) async
}

extension ControlHandler {
    public func disconnected(_ client: ControlPeer) async {}
}

/// One command of the protocol: who may use it and what it does, for `help` and the docs.
public struct ControlCommand: Sendable, Equatable {
    public var role: Role
    public var summary: String

    public init(_ role: Role, _ summary: String) {
        self.role = role
        self.summary = summary
    }
}

/// Who is on the other end of a control connection, from `SO_PEERCRED`.
public struct ControlPeer: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    public var user: String?
    public var role: Role
    /// This connection's number, unique while the server runs.
    public var connection: Int

    public init(pid: Int32, uid: UInt32, gid: UInt32, user: String?, role: Role, connection: Int = 0) {
        self.connection = connection
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.user = user
        self.role = role
    }

    public var description: String { "\(user ?? "uid \(uid)") (pid \(pid), \(role.rawValue))" }
}
