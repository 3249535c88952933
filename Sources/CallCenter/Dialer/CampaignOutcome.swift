import CallControl

/// How one attempt to reach a campaign contact ended, read from the call's answer and its
/// Q.850 release cause (analog trunks map busy tone, SIT and congestion onto causes too).
public enum CampaignOutcome: String, Sendable, Equatable, CaseIterable {
    /// The contact answered and was put through to the agent.
    case answered
    case busy
    /// Rang without an answer, or the subscriber was absent.
    case noAnswer = "no-answer"
    /// No circuit, a congested or failing network: try again later.
    case congestion
    /// The number does not exist or is malformed: never call it again.
    case invalidNumber = "invalid-number"
    /// The called party (or a network's screening) refused the call.
    case rejected
    /// Any other failure.
    case failed

    /// The outcome of an attempt whose call was `answered`, or else released with `cause`.
    public init(answered: Bool, cause: Q850Cause?) {
        if answered {
            self = .answered
            return
        }
        switch cause {
        case .userBusy?: self = .busy
        // A call cleared normally before an answer: the far end gave up ringing.
        case .noUserResponding?, .noAnswer?, .subscriberAbsent?, .normalClearing?: self = .noAnswer
        case .noCircuitAvailable?, .networkOutOfOrder?, .temporaryFailure?, .switchingEquipmentCongestion?,
             .requestedCircuitNotAvailable?, .resourceUnavailable?, .noRouteToDestination?, .destinationOutOfOrder?:
            self = .congestion
        case .unallocatedNumber?, .invalidNumberFormat?, .numberChanged?, .sendSpecialInformationTone?, .misdialledTrunkPrefix?:
            self = .invalidNumber
        case .callRejected?: self = .rejected
        default: self = .failed
        }
    }

    /// Whether the number is not worth calling again whatever attempts are left. A rejection
    /// is tried again: carriers also reject for a calling number they screen out, or for a
    /// moment's reasons.
    public var isFinal: Bool { self == .invalidNumber }
}
