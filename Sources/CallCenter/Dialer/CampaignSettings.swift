import CallControl

/// One outbound campaign as configured: the contacts are dialled for the agents of `queue` who
/// are free (progressive, agent first: the agent's phone rings, and when they answer the
/// contact is dialled with the campaign's calling number), inside `window`, with retries.
public struct CampaignSettings: Sendable, Equatable {
    public var name: String
    /// The queue whose agents make the calls; its waiting callers and `reserveIdle` come first.
    public var queue: String
    public var trunkGroup: String
    /// The calling number the contacts see (nil: the trunk's).
    public var callingNumber: String?
    /// When contacts may be called, in the contacts' time zone (nil: always).
    public var window: TimeWindow?
    /// Attempts that reached the network before a contact is given up.
    public var maxAttempts: Int
    /// The wait before calling again after no answer, congestion or a failure.
    public var retrySeconds: Double
    /// The wait before calling a busy number again.
    public var busyRetrySeconds: Double
    /// How long a contact's phone may ring before the attempt counts as not answered.
    public var noAnswerSeconds: Double
    /// How long the agent's phone may ring; an agent who does not answer is paused.
    public var agentRingSeconds: Double
    /// The pause an agent gets after a campaign call before the next one rings.
    public var wrapUpSeconds: Double

    public init(name: String, queue: String, trunkGroup: String, callingNumber: String? = nil, window: TimeWindow? = nil,
                maxAttempts: Int = 3, retrySeconds: Double = 1800, busyRetrySeconds: Double = 300,
                noAnswerSeconds: Double = 30, agentRingSeconds: Double = 15, wrapUpSeconds: Double = 5) {
        self.name = name
        self.queue = queue
        self.trunkGroup = trunkGroup
        self.callingNumber = callingNumber
        self.window = window
        self.maxAttempts = maxAttempts
        self.retrySeconds = retrySeconds
        self.busyRetrySeconds = busyRetrySeconds
        self.noAnswerSeconds = noAnswerSeconds
        self.agentRingSeconds = agentRingSeconds
        self.wrapUpSeconds = wrapUpSeconds
    }

    /// What becomes of a contact after an attempt that reached the network ended with
    /// `outcome`, it being the contact's `attemptsMade`-th, at `now` (seconds since 1970).
    public func disposition(after outcome: CampaignOutcome, attemptsMade: Int, now: Double) -> ContactDisposition {
        if outcome == .answered { return .done }
        guard !outcome.isFinal else { return .failed }
        guard attemptsMade < maxAttempts else { return .failed }
        return .retry(at: now + (outcome == .busy ? busyRetrySeconds : retrySeconds))
    }
}

extension CampaignSettings {
    /// A campaign's first pause after congestion; each further one in a row doubles it, up to
    /// the longest, so that an outage does not use up the list.
    public static let firstCongestionPause = 30.0
    public static let longestCongestionPause = 900.0

    /// The pause after the `streak`-th congestion in a row (1 for the first).
    public static func congestionPause(streak: Int) -> Double {
        doubling(streak: streak, first: firstCongestionPause, longest: longestCongestionPause)
    }

    /// `first` for the first time in a row (`streak` 1), twice as long each further time, at
    /// most `longest`.
    public static func doubling(streak: Int, first: Double, longest: Double) -> Double {
        min(longest, first * Double(1 << min(max(streak, 1) - 1, 20)))
    }
}

/// Where a contact stands after an attempt.
public enum ContactDisposition: Sendable, Equatable {
    /// Reached: nothing more to do.
    case done
    /// Called again at this time (seconds since 1970).
    case retry(at: Double)
    /// Given up: the number cannot be reached, or the attempts are spent.
    case failed
}
