/// Follows the rings an FXO port sees (`RINGBEGIN` as a ring starts, `RINGOFFHOOK` as it ends)
/// and says when the caller has given up: no new ring within `abandonAfter` of the last one.
/// Pure state: the caller feeds it events and instants.
public struct RingCadenceTracker: Sendable, Equatable {
    /// How long after a ring ends without a new one before the call is taken as abandoned
    /// (longer than any national ring pause; China 4 s, North America 4 s, UK 2 s).
    public var abandonAfter: Duration

    public private(set) var ringsBegun = 0
    public private(set) var ringsEnded = 0
    public private(set) var ringing = false
    private var lastEdge: ContinuousClock.Instant?

    public init(abandonAfter: Duration = .seconds(8)) {
        self.abandonAfter = abandonAfter
    }

    /// A ring started.
    public mutating func ringBegan(at now: ContinuousClock.Instant) {
        if !ringing { ringsBegun += 1 }
        ringing = true
        lastEdge = now
    }

    /// A ring ended. An end without a begin (the port opened mid-ring) counts as a whole ring.
    public mutating func ringEnded(at now: ContinuousClock.Instant) {
        if !ringing { ringsBegun += 1 }
        ringing = false
        ringsEnded += 1
        lastEdge = now
    }

    /// When the call counts as abandoned if no ring begins first; nil before any ring, or while
    /// a ring is on (a ring that never ends is a line fault the port reports otherwise).
    public var abandonDeadline: ContinuousClock.Instant? {
        guard !ringing, let lastEdge else { return nil }
        return lastEdge + abandonAfter
    }

    public func isAbandoned(at now: ContinuousClock.Instant) -> Bool {
        abandonDeadline.map { now >= $0 } ?? false
    }

    /// Forget the rings: the line is idle again.
    public mutating func reset() {
        ringsBegun = 0
        ringsEnded = 0
        ringing = false
        lastEdge = nil
    }
}
