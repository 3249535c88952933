/// Where an agent stands. Only `ready` agents are offered calls.
public enum AgentState: Sendable, Equatable, CustomStringConvertible {
    case loggedOut
    case ready
    /// Paused with a reason from the configuration (`lunch`, `training`, `no answer`...).
    case notReady(reason: String)
    /// A queue call is ringing the agent's phone.
    case ringing
    case onCall
    /// After-call work.
    case wrapUp

    public var name: String {
        switch self {
        case .loggedOut: "logged-out"
        case .ready: "ready"
        case .notReady: "not-ready"
        case .ringing: "ringing"
        case .onCall: "on-call"
        case .wrapUp: "wrap-up"
        }
    }

    public var description: String {
        if case let .notReady(reason) = self { return "not-ready (\(reason))" }
        return name
    }
}

/// A caller waiting in a queue, for the queue's order: higher priority first, then who came
/// first; a call that rang an agent unanswered goes back to the very head.
public struct WaitingCaller: Sendable, Equatable {
    public var call: UInt64
    public var caller: String?
    public var called: String
    public var priority: Int
    /// Monotonic seconds when the caller entered (or re-entered after an overflow).
    public var enteredAt: Double
    /// It came back after an agent let it ring out: ahead of everyone, VIPs included.
    public var returned = false

    public init(call: UInt64, caller: String?, called: String, priority: Int, enteredAt: Double) {
        self.call = call
        self.caller = caller
        self.called = called
        self.priority = priority
        self.enteredAt = enteredAt
    }

    /// Whether `self` is served before `other`.
    public func precedes(_ other: WaitingCaller) -> Bool {
        if returned != other.returned { return returned }
        if priority != other.priority { return priority > other.priority }
        return (enteredAt, call) < (other.enteredAt, other.call)
    }
}
