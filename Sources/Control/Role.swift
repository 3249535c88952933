/// What a control client may do, from its peer credentials: operators read and act for agents,
/// supervisors also monitor and force agent states, administrators also configure, originate,
/// hang up any call and run maintenance.
public enum Role: String, Sendable, Codable, Comparable, CaseIterable {
    case `operator`
    case supervisor
    case admin

    private var rank: Int {
        switch self {
        case .operator: 0
        case .supervisor: 1
        case .admin: 2
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}

/// Who gets which role, by Unix user and group, as configuration maps them. The most powerful
/// role that matches wins; root is always admin; a peer nothing matches is refused.
public struct RoleMap: Sendable, Equatable, Codable {
    public var users: [String: Role]
    public var groups: [String: Role]

    public init(users: [String: Role] = [:], groups: [String: Role] = [:]) {
        self.users = users
        self.groups = groups
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        users = try c.decodeIfPresent([String: Role].self, forKey: .users) ?? [:]
        groups = try c.decodeIfPresent([String: Role].self, forKey: .groups) ?? [:]
    }

    /// The role of a peer with `uid`, `gid` and supplementary `groups` (names resolved by the caller:
    /// `userName`, `groupNames`), nil when none applies.
    public func role(uid: UInt32, userName: String?, groupNames: [String]) -> Role? {
        if uid == 0 { return .admin }
        var best: Role?
        if let userName, let r = users[userName] { best = r }
        if let r = users[String(uid)] { best = max(best ?? r, r) }
        for g in groupNames {
            if let r = groups[g] { best = max(best ?? r, r) }
        }
        return best
    }
}
