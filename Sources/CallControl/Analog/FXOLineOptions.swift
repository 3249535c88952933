import PSTNEngine

/// How an FXO port (the engine's line from a central office, or the simulator's phone) signals.
public struct FXOLineOptions: Sendable {
    /// The tone zone: which dial, busy and congestion tones to recognise.
    public var zone: ToneZone
    /// How caller ID arrives on incoming calls.
    public var callerID: CallerIDSignalling
    /// The number this line answers to, reported as the called number of incoming calls.
    public var lineNumber: String?
    /// A polarity reversal while a call is answered means the far end hung up (Asterisk's
    /// `hanguponpolarityswitch`).
    public var hangUpOnPolarityReversal: Bool
    /// An outgoing call counts as answered only when the line's polarity reverses; otherwise as
    /// soon as the number is dialled.
    public var answerOnPolarityReversal: Bool
    /// How long to wait for dial tone after seizing the line.
    public var dialToneTimeout: Duration
    /// No new ring this long after the last one: the caller gave up.
    public var ringAbandonAfter: Duration
    /// Keep the audio after answer and hang up on busy or congestion tone (the phone simulator,
    /// which has no media engine and no disconnect signal but the tone).
    public var hangUpOnBusyToneWhenAnswered: Bool
    /// DTMF level and timing for dialling.
    public var dtmfOnMilliseconds: Int

    public init(zone: ToneZone, callerID: CallerIDSignalling = .none, lineNumber: String? = nil,
                hangUpOnPolarityReversal: Bool = false, answerOnPolarityReversal: Bool = false,
                dialToneTimeout: Duration = .seconds(5), ringAbandonAfter: Duration = .seconds(8),
                hangUpOnBusyToneWhenAnswered: Bool = false, dtmfOnMilliseconds: Int = 80) {
        self.zone = zone
        self.callerID = callerID
        self.lineNumber = lineNumber
        self.hangUpOnPolarityReversal = hangUpOnPolarityReversal
        self.answerOnPolarityReversal = answerOnPolarityReversal
        self.dialToneTimeout = dialToneTimeout
        self.ringAbandonAfter = ringAbandonAfter
        self.hangUpOnBusyToneWhenAnswered = hangUpOnBusyToneWhenAnswered
        self.dtmfOnMilliseconds = dtmfOnMilliseconds
    }
}
