import PSTNEngine

/// How an FXS port (the engine's station for an agent's phone, or the simulator's central-office
/// line facing the engine's FXO port) signals.
public struct FXSLineOptions: Sendable {
    /// How the far end learns that this side has hung up while it is still off-hook.
    public enum DisconnectSignal: String, Sendable, Codable {
        /// Busy tone (congestion for failures) until the far end hangs up: a station's phone.
        case tone
        /// Drop battery (loop current) for a moment: what most central offices do.
        case batteryDrop
        /// Reverse the line's polarity.
        case polarityReversal
    }

    /// The tone zone: dial, ringback, busy and congestion tones, and the default ring cadence.
    public var zone: ToneZone
    /// The port's own number: the calling number of calls the phone makes (a station), or empty.
    public var ownNumber: String?
    /// How caller ID is sent when this port rings the far end.
    public var callerID: CallerIDSignalling
    /// Ring cadence in ms (on, off...); nil: the zone's.
    public var ringCadence: [Int]?
    public var firstDigitTimeout: Duration
    public var interDigitTimeout: Duration
    public var maximumDigits: Int
    /// Ends dialling early; not part of the number.
    public var terminator: Character?
    public var disconnectSignal: DisconnectSignal
    /// Reverse polarity when the call this port received is answered (answer supervision
    /// towards the far end, as central offices offer).
    public var reversePolarityOnAnswer: Bool

    public init(zone: ToneZone, ownNumber: String? = nil, callerID: CallerIDSignalling = .none,
                ringCadence: [Int]? = nil, firstDigitTimeout: Duration = .seconds(15),
                interDigitTimeout: Duration = .seconds(4), maximumDigits: Int = 20, terminator: Character? = "#",
                disconnectSignal: DisconnectSignal = .tone, reversePolarityOnAnswer: Bool = false) {
        self.zone = zone
        self.ownNumber = ownNumber
        self.callerID = callerID
        self.ringCadence = ringCadence
        self.firstDigitTimeout = firstDigitTimeout
        self.interDigitTimeout = interDigitTimeout
        self.maximumDigits = maximumDigits
        self.terminator = terminator
        self.disconnectSignal = disconnectSignal
        self.reversePolarityOnAnswer = reversePolarityOnAnswer
    }
}
