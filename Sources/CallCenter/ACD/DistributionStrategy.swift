/// How a queue chooses among its free agents.
public enum DistributionStrategy: String, Sendable, Equatable, CaseIterable {
    /// Ring every free agent (of the best penalty) at once; the first to answer takes the call.
    case ringAll = "ring-all"
    /// The agent whose last call ended (or who became ready) longest ago.
    case longestIdle = "longest-idle"
    /// The agent who has answered the fewest calls since logging in.
    case fewestCalls = "fewest-calls"
    /// The agent who logged in first.
    case loginOrder = "login-order"
    /// Each time the next agent after the one offered last, in configured order.
    case roundRobin = "round-robin"
    /// Always the first free agent in configured order.
    case linear
    case random
    /// Random, agents with a higher level more often (weight level + 1).
    case weightedRandom = "weighted-random"
}

/// A preference applied before the queue's strategy, among agents of the same penalty: agents
/// who meet it are offered the call first; when none is free the strategy decides alone.
public enum SecondaryPreference: String, Sendable, Equatable, CaseIterable {
    /// Agents whose location (an area code) begins the caller's number.
    case sameLocation = "same-location"
    /// Agents with a higher level in the queue first.
    case higherLevel = "higher-level"
    /// The agent who last served this caller.
    case lastAgent = "last-agent"
    /// The caller's own account manager (a dedicated agent).
    case accountManager = "account-manager"
}

/// What the selector knows of the caller, for the secondary preferences.
public struct CallerContext: Sendable, Equatable {
    public var number: String?
    public var lastAgent: String?
    public var accountManager: String?

    public init(number: String? = nil, lastAgent: String? = nil, accountManager: String? = nil) {
        self.number = number
        self.lastAgent = lastAgent
        self.accountManager = accountManager
    }

    /// How well `agent` meets `preference` (lower is better).
    func rank(_ agent: AgentCandidate, _ preference: SecondaryPreference) -> Int {
        switch preference {
        case .sameLocation:
            guard let location = agent.location, !location.isEmpty, let number else { return 1 }
            // A national number may be written without its trunk prefix 0 (021... or 21...).
            let bare = location.hasPrefix("0") ? String(location.dropFirst()) : location
            return number.hasPrefix(location) || (!bare.isEmpty && number.hasPrefix(bare)) ? 0 : 1
        case .higherLevel: return 9 - agent.level
        case .lastAgent: return agent.id == lastAgent ? 0 : 1
        case .accountManager: return agent.id == accountManager ? 0 : 1
        }
    }
}

/// What the selector knows of one free agent.
public struct AgentCandidate: Sendable, Equatable {
    public var id: String
    /// Position in the configuration (linear, round robin).
    public var order: Int
    public var level: Int
    public var penalty: Int
    /// When the agent last became free (monotonic seconds).
    public var idleSince: Double
    public var loggedInAt: Double
    public var callsAnswered: Int
    /// Where the agent sits (an area code), for `same-location`.
    public var location: String?

    public init(id: String, order: Int, level: Int = 5, penalty: Int = 0, idleSince: Double = 0, loggedInAt: Double = 0,
                callsAnswered: Int = 0, location: String? = nil) {
        self.location = location
        self.id = id
        self.order = order
        self.level = level
        self.penalty = penalty
        self.idleSince = idleSince
        self.loggedInAt = loggedInAt
        self.callsAnswered = callsAnswered
    }
}

/// Orders free agents for a call by a queue's strategy: agents with the lowest penalty first,
/// then by the strategy. Pure, so every strategy can be checked without a call.
public enum AgentSelector {
    /// The candidates in the order they should be offered the call. `lastOffered` is the round
    /// robin's memory (the configured position offered last); `random` draws in 0..<1.
    /// `preferences` (in order of importance) rank the agents of each penalty tier before the
    /// strategy orders those that rank alike.
    public static func order(_ candidates: [AgentCandidate], by strategy: DistributionStrategy, lastOffered: Int?,
                             preferences: [SecondaryPreference] = [], caller: CallerContext = CallerContext(),
                             random: () -> Double = { Double.random(in: 0..<1) }) -> [AgentCandidate] {
        guard let bestPenalty = candidates.map(\.penalty).min() else { return [] }
        let tier = candidates.filter { $0.penalty == bestPenalty }
        let rest = order(candidates.filter { $0.penalty != bestPenalty }, by: strategy, lastOffered: lastOffered,
                         preferences: preferences, caller: caller, random: random)
        let byStrategy = orderTier(tier, by: strategy, lastOffered: lastOffered, random: random)
        guard !preferences.isEmpty else { return byStrategy + rest }
        let ranks = byStrategy.map { agent in preferences.map { caller.rank(agent, $0) } }
        let indices = byStrategy.indices.sorted { a, b in
            ranks[a] == ranks[b] ? a < b : ranks[a].lexicographicallyPrecedes(ranks[b])
        }
        return indices.map { byStrategy[$0] } + rest
    }

    /// The agents ring-all rings: the first tier (penalty and preferences alike) of `ordered`.
    public static func ringAllGroup(_ ordered: [AgentCandidate], preferences: [SecondaryPreference],
                                    caller: CallerContext) -> [AgentCandidate] {
        guard let first = ordered.first else { return [] }
        let key = preferences.map { caller.rank(first, $0) }
        return ordered.filter { agent in agent.penalty == first.penalty && preferences.map { caller.rank(agent, $0) } == key }
    }

    private static func orderTier(_ tier: [AgentCandidate], by strategy: DistributionStrategy, lastOffered: Int?,
                                  random: () -> Double) -> [AgentCandidate] {
        let byOrder = tier.sorted { $0.order < $1.order }
        switch strategy {
        case .linear, .ringAll:
            return byOrder
        case .longestIdle:
            return tier.sorted { ($0.idleSince, $0.order) < ($1.idleSince, $1.order) }
        case .fewestCalls:
            return tier.sorted { ($0.callsAnswered, $0.idleSince, $0.order) < ($1.callsAnswered, $1.idleSince, $1.order) }
        case .loginOrder:
            return tier.sorted { ($0.loggedInAt, $0.order) < ($1.loggedInAt, $1.order) }
        case .roundRobin:
            guard let last = lastOffered else { return byOrder }
            let after = byOrder.filter { $0.order > last }
            return after + byOrder.filter { $0.order <= last }
        case .random:
            var pool = tier
            var out: [AgentCandidate] = []
            while !pool.isEmpty {
                let i = min(pool.count - 1, Int(random() * Double(pool.count)))
                out.append(pool.remove(at: i))
            }
            return out
        case .weightedRandom:
            var pool = byOrder
            var out: [AgentCandidate] = []
            while !pool.isEmpty {
                let total = pool.reduce(0) { $0 + $1.level + 1 }
                var draw = random() * Double(total)
                var pick = pool.count - 1
                for (i, c) in pool.enumerated() {
                    draw -= Double(c.level + 1)
                    if draw < 0 { pick = i; break }
                }
                out.append(pool.remove(at: pick))
            }
            return out
        }
    }
}
