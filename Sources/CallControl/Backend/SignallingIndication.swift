/// What a signalling backend (a PRI span, an SS7 linkset, an analog line) tells call control.
/// Delivered on the signalling thread, in the order the network sent it.
public enum SignallingIndication: Sendable, Equatable {
    /// A new incoming call. `channel` is the DAHDI channel it holds (nil until a PRI network
    /// side or an overlap call has chosen one).
    case incoming(CallID, channel: Int?, CallSetup)
    /// Overlap receiving: more called-number digits arrived; `complete` once Sending Complete
    /// (PRI), ST (ISUP) or the inter-digit timeout says there are no more.
    case moreDigits(CallID, digits: String, complete: Bool)
    /// The far end accepted an outgoing call (CALL PROCEEDING, or an ISUP ACM without alerting);
    /// `channel` is the DAHDI channel it settled on.
    case proceeding(CallID, channel: Int?)
    /// The called party is being alerted; `inbandAudio` when ringback/announcements are on the channel.
    case alerting(CallID, inbandAudio: Bool)
    /// Call progress (PROGRESS, CPG) with or without in-band information.
    case progress(CallID, inbandAudio: Bool)
    /// The far end answered an outgoing call, or confirmed our answer of an incoming one.
    case answered(CallID)
    /// The far end (or the network, a timer, an alarm) ended the call. The backend has finished
    /// its side of the release; the call and its channel are gone from it.
    case released(CallID, cause: Q850Cause, by: Releaser)
    /// A hook flash during the call (an FXS phone's flash, an FXO line's wink).
    case flash(CallID)
    /// A digit the far end sent out of band during the call (PRI INFORMATION keypad, FXS pulse).
    case digit(CallID, Character)
    /// A channel's availability changed (restart done, blocked, unblocked, alarm).
    case channelState(channel: Int, ChannelAvailability)
    /// The signalling link of a span or linkset went up or down.
    case link(name: String, up: Bool)
    /// Something malformed or out of state arrived and was answered per the protocol; logged by
    /// call control, counted, never fatal.
    case protocolError(String)

    /// Who ended a call.
    public enum Releaser: String, Sendable, Equatable, Codable {
        /// The far end of this leg (the network or the phone).
        case remote
        /// This engine (an application, an operator, a timer of ours).
        case local
        /// Neither side: an alarm, a link failure, a restart.
        case system
    }
}

/// Whether a channel can carry a new call.
public enum ChannelAvailability: String, Sendable, Equatable, Codable {
    case idle
    case inUse
    /// Blocked by us (BLO/CGB sent, or SERVICE out-of-service sent).
    case blockedLocally
    /// Blocked by the far end.
    case blockedRemotely
    /// Waiting for RESTART / GRS / RSC to complete.
    case resetting
    /// The span or line is in alarm or its link is down.
    case outOfService
}
