/// A queue as configured: how calls are handed to agents, how long agents ring, after-call
/// work, what callers hear while they wait, and the limits that send them elsewhere.
public struct QueueSettings: Sendable, Equatable {
    public var name: String
    public var strategy: DistributionStrategy
    /// How long one agent rings before the call goes back to the queue.
    public var ringMilliseconds: Int
    /// After-call work before the agent is offered the next call; nil: until the agent says ready.
    public var wrapUpMilliseconds: Int?
    /// An agent who lets a call ring out is set not ready (reason `no answer`).
    public var notReadyOnNoAnswer: Bool
    /// Music on hold (a prompt name such as `moh/default`).
    public var music: String
    /// Seconds between position announcements; nil: none.
    public var announceEveryMilliseconds: Int?
    /// The prompt language for announcements.
    public var language: String
    public var maxWaitMilliseconds: Int?
    public var maxCallers: Int?
    /// Where callers go on each limit; nil: hang up with cause 34 (no circuit).
    public var onMaxWait: OverflowAction?
    public var onFull: OverflowAction?
    /// When no agent serving the queue is logged in (on entry, and while waiting).
    public var onNoAgents: OverflowAction?
    /// Numbers whose callers come first in this queue.
    public var vipNumbers: Set<String>
    /// Tell the caller the agent's number when they connect ("agent number 1001 will take your call").
    public var announceAgent = false
    /// The IVR flow a caller goes to when the agent hangs up first (a satisfaction survey); the
    /// flow gets the variables `agent` and `queue`.
    public var surveyFlow: String?
    /// Preferences applied before the strategy, most important first.
    public var preferences: [SecondaryPreference] = []
    /// Announcements also tell the estimated wait.
    public var announceWait = false
    /// Where a waiting caller goes who presses 1 (a voicemail flow); announcements offer it.
    public var onLeaveMessage: OverflowAction?
    /// Ready agents kept for inbound callers: an agent's outbound call is refused when fewer
    /// other agents of this queue would be ready.
    public var reserveIdle = 0

    public init(name: String, strategy: DistributionStrategy = .longestIdle, ringMilliseconds: Int = 15_000,
                wrapUpMilliseconds: Int? = 5_000, notReadyOnNoAnswer: Bool = true, music: String = "moh/default",
                announceEveryMilliseconds: Int? = nil, language: String = "zh", maxWaitMilliseconds: Int? = nil,
                maxCallers: Int? = nil, onMaxWait: OverflowAction? = nil, onFull: OverflowAction? = nil,
                onNoAgents: OverflowAction? = nil, vipNumbers: Set<String> = []) {
        self.name = name
        self.strategy = strategy
        self.ringMilliseconds = ringMilliseconds
        self.wrapUpMilliseconds = wrapUpMilliseconds
        self.notReadyOnNoAnswer = notReadyOnNoAnswer
        self.music = music
        self.announceEveryMilliseconds = announceEveryMilliseconds
        self.language = language
        self.maxWaitMilliseconds = maxWaitMilliseconds
        self.maxCallers = maxCallers
        self.onMaxWait = onMaxWait
        self.onFull = onFull
        self.onNoAgents = onNoAgents
        self.vipNumbers = vipNumbers
    }
}

/// Where a caller goes when a queue's limit is reached.
public enum OverflowAction: Sendable, Equatable, CustomStringConvertible {
    /// Another queue (the caller keeps their priority).
    case queue(String)
    /// An IVR flow (a voicemail flow, a message).
    case flow(String)
    /// A number on a trunk group.
    case external(trunkGroup: String, number: String)
    case hangup(cause: Int)

    public var description: String {
        switch self {
        case let .queue(q): "queue \(q)"
        case let .flow(f): "flow \(f)"
        case let .external(g, n): "number \(n) on \(g)"
        case let .hangup(c): "hang up (cause \(c))"
        }
    }
}

/// An agent (or supervisor) as configured.
public struct AgentRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case agent, supervisor }

    /// The agent's number (their login).
    public var id: String
    public var name: String
    /// Exactly one group (team).
    public var group: String
    /// Where they sit (an area code such as `021`).
    public var location: String?
    public var kind: Kind
    /// The queues served, each with a level 0-9 (higher is more skilled) and a penalty (lower
    /// penalties are offered calls first).
    public var queues: [String: Membership]
    /// The station they usually log in at (an FXS number).
    public var station: String?
    /// For a supervisor: groups and queues watched beyond their own group.
    public var supervises: SupervisorScope
    /// The callers (numbers) whose account manager this agent is.
    public var customers: [String] = []

    /// An agent's place in one queue.
    public struct Membership: Sendable, Equatable {
        public var level: Int
        public var penalty: Int
        public init(level: Int = 5, penalty: Int = 0) {
            self.level = level
            self.penalty = penalty
        }
    }

    public init(id: String, name: String, group: String, location: String? = nil, kind: Kind = .agent,
                queues: [String: Membership], station: String? = nil, supervises: SupervisorScope = SupervisorScope()) {
        self.id = id
        self.supervises = supervises
        self.name = name
        self.group = group
        self.location = location
        self.kind = kind
        self.queues = queues
        self.station = station
    }
}

/// What a supervisor may watch and steer: agents of their own group, of `groups`, and agents
/// serving any of `queues`.
public struct SupervisorScope: Sendable, Equatable {
    public var groups: Set<String>
    public var queues: Set<String>

    public init(groups: Set<String> = [], queues: Set<String> = []) {
        self.groups = groups
        self.queues = queues
    }

    /// Whether a supervisor of `group` with this scope may watch `agent`.
    public func covers(_ agent: AgentRecord, supervisorGroup group: String) -> Bool {
        agent.group == group || groups.contains(agent.group) || !queues.isDisjoint(with: agent.queues.keys)
    }
}

/// Where an agent takes calls: an FXS port (a trunk group and its channel) reached with a
/// number, or an external number over a trunk group (remote agents).
public struct AgentStation: Sendable, Equatable, CustomStringConvertible {
    public var trunkGroup: String
    public var number: String
    /// The DAHDI channel of an FXS port; nil for an external number.
    public var channel: Int?

    public init(trunkGroup: String, number: String, channel: Int?) {
        self.trunkGroup = trunkGroup
        self.number = number
        self.channel = channel
    }

    public var description: String { channel.map { "station \(number) (channel \($0))" } ?? "\(number) on \(trunkGroup)" }
}
