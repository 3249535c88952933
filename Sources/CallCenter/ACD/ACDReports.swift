import Foundation

/// One line of the queue log: a caller entered, was announced, offered to an agent, connected,
/// not answered, abandoned, overflowed, completed.
public struct QueueLogEntry: Sendable, Equatable, Codable {
    public var call: UInt64
    public var queue: String
    public var event: String
    public var agent: String?
    public var position: Int?
    public var waitSeconds: Double?
    public var detail: String?
    public var time: Double

    public init(call: UInt64, queue: String, event: String, agent: String?, position: Int?, waitSeconds: Double?,
                detail: String?, time: Double = Date().timeIntervalSince1970) {
        self.call = call
        self.queue = queue
        self.event = event
        self.agent = agent
        self.position = position
        self.waitSeconds = waitSeconds
        self.detail = detail
        self.time = time
    }
}

/// An agent's state changed (for the agent state log and supervisors' screens).
public struct AgentStateChange: Sendable, Equatable, Codable {
    public var agent: String
    public var group: String
    public var from: String
    public var to: String
    public var reason: String?
    public var station: String?
    public var time: Double = Date().timeIntervalSince1970
}

/// What a desktop shows when a call is offered to an agent.
public struct ScreenPop: Sendable, Equatable, Codable {
    public var call: UInt64
    public var queue: String
    public var agent: String
    public var caller: String?
    public var called: String
    public var waitedSeconds: Double
}

/// The queues and agents as supervisors see them.
public struct ACDSnapshot: Sendable, Equatable, Codable {
    public struct Caller: Sendable, Equatable, Codable {
        public var call: UInt64
        public var caller: String?
        public var called: String
        public var priority: Int
        public var waitedSeconds: Double
        /// What the caller may expect to wait from now.
        public var estimatedWaitSeconds: Double?
        /// The agent whose phone is ringing for this caller.
        public var ringing: String?
    }

    public struct Queue: Sendable, Equatable, Codable {
        public var name: String
        public var strategy: String
        public var waiting: [Caller]
        public var agentsLoggedIn: Int
        public var agentsReady: Int
    }

    public struct Agent: Sendable, Equatable, Codable {
        public var id: String
        public var name: String
        public var group: String
        public var kind: String
        public var state: String
        public var reason: String?
        public var secondsInState: Double?
        public var station: String?
        public var callsAnswered: Int
        public var queues: [String]
    }

    public var queues: [Queue]
    public var agents: [Agent]
}
