/// Where a call (or one leg of it) is in its life, the same on every network.
///
/// offered -> routing -> alerting -> answered -> releasing -> released; a call may skip alerting
/// (answered straight from routing) and may be released from any state.
public enum CallState: String, Sendable, Codable, CaseIterable, Comparable {
    /// Seen (SETUP, IAM, ring, off-hook) and not yet acknowledged.
    case offered
    /// Being routed: collecting digits, choosing a destination, placing the outgoing leg.
    case routing
    /// The called party is being alerted (ALERTING, ACM, ringing).
    case alerting
    /// Answered: audio flows.
    case answered
    /// Release started, waiting for the network to confirm.
    case releasing
    /// Gone.
    case released

    private var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: CallState, b: CallState) -> Bool { a.order < b.order }
}

/// Which way a leg was set up, seen from the engine.
public enum CallDirection: String, Sendable, Codable {
    case inbound, outbound
}
