/// What a call asks for when it is set up, in either direction: the numbers, the bearer, and the
/// channel it wants. A backend fills it from a SETUP, an IAM or analog caller ID; call control
/// fills it to place a call.
public struct CallSetup: Sendable, Hashable {
    public var calling: PartyNumber?
    /// The called number (DNIS). Under overlap receiving this holds the digits so far.
    public var called: PartyNumber
    public var redirecting: RedirectingNumber?
    /// The caller's name, where the network carries one (caller ID, QSIG, some PRI variants).
    public var callingName: String?
    public var bearer: BearerCapability
    /// The channel asked for, when the caller names one.
    public var channel: ChannelSelection?
    /// True when the called number is complete (en-bloc, or Sending Complete / ST digit seen).
    public var numberComplete: Bool

    public init(calling: PartyNumber? = nil, called: PartyNumber, redirecting: RedirectingNumber? = nil,
                callingName: String? = nil, bearer: BearerCapability = .speech,
                channel: ChannelSelection? = nil, numberComplete: Bool = true) {
        self.calling = calling
        self.called = called
        self.redirecting = redirecting
        self.callingName = callingName
        self.bearer = bearer
        self.channel = channel
        self.numberComplete = numberComplete
    }
}

/// The information transfer capability a call asks for.
public enum BearerCapability: Sendable, Hashable, Codable {
    case speech
    case audio3_1kHz
    case unrestrictedDigital
}

/// Which channel a call should use: a PRI B-channel (by its DAHDI channel number) or an ISUP CIC's
/// channel, and whether another channel is acceptable.
public struct ChannelSelection: Sendable, Hashable {
    /// The DAHDI channel number.
    public var channel: Int
    /// Exclusive: this channel or none. Preferred: the far end may choose another.
    public var exclusive: Bool

    public init(channel: Int, exclusive: Bool) {
        self.channel = channel
        self.exclusive = exclusive
    }
}
