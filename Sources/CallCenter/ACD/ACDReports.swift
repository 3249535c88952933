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

/// What a desktop shows when a call is offered to an agent (or handed to them by a transfer):
/// who calls, on which access number, the way through the IVR and what it collected, and the
/// caller's previous calls.
public struct ScreenPop: Sendable, Equatable, Codable {
    public var call: UInt64
    public var queue: String
    public var agent: String
    public var caller: String?
    public var called: String
    public var waitedSeconds: Double
    /// The IVR flow and nodes the caller went through (`bank: main > account > agent`).
    public var ivrPath: String?
    /// What the IVR collected (account numbers, choices...).
    public var variables: [String: String]
    public var previousCalls: [PreviousCall]
    /// How the call reached this agent: `queue`, or `transfer from 1001`.
    public var via: String
}

/// One earlier call of the same caller, from the CDRs.
public struct PreviousCall: Sendable, Equatable, Codable {
    public var call: UInt64
    public var at: Double
    public var called: String
    public var answered: Bool
    public var seconds: Double?

    public init(call: UInt64, at: Double, called: String, answered: Bool, seconds: Double?) {
        self.call = call
        self.at = at
        self.called = called
        self.answered = answered
        self.seconds = seconds
    }
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
        /// Taken out by a reload: no new callers; it goes when its last call has ended.
        public var closing: Bool
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
        /// Taken out by a reload: no more calls; they go when the call they are on ends.
        public var leaving: Bool
    }

    public var queues: [Queue]
    public var agents: [Agent]
}
