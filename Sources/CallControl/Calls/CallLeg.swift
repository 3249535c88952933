import Glibc

/// One network leg of a call: a PRI call reference, an ISUP circuit, an analog line in use.
/// Its state changes only through the transitions below, each of which says whether it was
/// allowed, so that an event out of order from a backend is noticed and not obeyed blindly.
public struct CallLeg: Sendable, Equatable, Codable {
    public let id: CallID
    /// The backend carrying it (span or linkset name).
    public let backend: String
    /// The trunk group (or station group) it belongs to.
    public let trunkGroup: String
    public let direction: CallDirection
    public internal(set) var channel: Int?
    public internal(set) var setup: CallSetupRecord
    public internal(set) var state: CallState
    public let offeredAt: WallTime
    public internal(set) var answeredAt: WallTime?
    public internal(set) var releasedAt: WallTime?
    public internal(set) var cause: Q850Cause?
    public internal(set) var releasedBy: SignallingIndication.Releaser?

    public init(id: CallID, backend: String, trunkGroup: String, direction: CallDirection, channel: Int?,
                setup: CallSetup, at time: WallTime) {
        self.id = id
        self.backend = backend
        self.trunkGroup = trunkGroup
        self.direction = direction
        self.channel = channel
        self.setup = CallSetupRecord(setup)
        self.state = .offered
        self.offeredAt = time
    }

    /// A transition the leg's state refuses, kept for the event log.
    public struct RefusedTransition: Error, Sendable, Equatable, CustomStringConvertible {
        public let leg: CallID
        public let from: CallState
        public let event: String
        public var description: String { "\(leg): \(event) is not allowed in state \(from.rawValue)" }
    }

    mutating func routing() throws(RefusedTransition) {
        try require([.offered, .routing], "routing")
        state = .routing
    }

    mutating func alerting() throws(RefusedTransition) {
        try require([.offered, .routing, .alerting], "alerting")
        state = .alerting
    }

    mutating func answered(at time: WallTime) throws(RefusedTransition) {
        try require([.offered, .routing, .alerting], "answer")
        state = .answered
        answeredAt = time
    }

    /// We asked the backend to release; it confirms later.
    mutating func releasing(cause: Q850Cause) throws(RefusedTransition) {
        try require([.offered, .routing, .alerting, .answered], "release")
        state = .releasing
        self.cause = cause
        releasedBy = .local
    }

    /// The backend says the leg is gone. A local release keeps the cause we gave.
    mutating func released(cause: Q850Cause, by: SignallingIndication.Releaser, at time: WallTime) {
        if state != .releasing || self.cause == nil {
            self.cause = cause
            releasedBy = by
        }
        state = .released
        releasedAt = time
    }

    /// The far end ended the call by a tone or line state we acted on: the release is ours to
    /// carry out, but the record says the remote side released.
    mutating func markRemoteRelease() {
        releasedBy = .remote
    }

    mutating func addDigits(_ digits: String, complete: Bool) {
        setup.called.digits += digits
        if complete { setup.numberComplete = true }
    }

    mutating func settle(channel: Int?) {
        if let channel { self.channel = channel }
    }

    private func require(_ allowed: Set<CallState>, _ event: String) throws(RefusedTransition) {
        guard allowed.contains(state) else { throw RefusedTransition(leg: id, from: state, event: event) }
    }
}

/// The setup of a leg as it is stored and shown: numbers and bearer, without the channel request.
public struct CallSetupRecord: Sendable, Equatable, Codable {
    public var calling: PartyNumber?
    public var called: PartyNumber
    public var redirecting: RedirectingNumber?
    public var callingName: String?
    public var numberComplete: Bool

    public init(_ setup: CallSetup) {
        calling = setup.calling
        called = setup.called
        redirecting = setup.redirecting
        callingName = setup.callingName
        numberComplete = setup.numberComplete
    }
}

/// Seconds since the Unix epoch, as CDRs and logs record times.
public struct WallTime: Sendable, Equatable, Comparable, Codable, CustomStringConvertible {
    public let secondsSince1970: Double
    public init(secondsSince1970: Double) { self.secondsSince1970 = secondsSince1970 }

    public static func now() -> WallTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return WallTime(secondsSince1970: Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
    }

    public static func < (a: WallTime, b: WallTime) -> Bool { a.secondsSince1970 < b.secondsSince1970 }
    public var description: String { String(secondsSince1970) }
}
