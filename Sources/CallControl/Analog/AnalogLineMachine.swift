import PSTNEngine

/// One analog port's call state machine, as `AnalogLineBackend` drives it on the signalling
/// thread: an FXO line (facing a central office, or the phone simulator) or an FXS line (facing
/// a phone, or the central-office simulator).
protocol AnalogLineMachine: AnyObject {
    var channelNumber: Int { get }
    /// The call on the line, if any.
    var call: CallID? { get }
    /// Free for a new outgoing call.
    var isIdle: Bool { get }
    var availability: ChannelAvailability { get }
    var label: String { get }
    var io: AnalogLineIO? { get }

    /// Open the port and start watching it.
    func start(io: AnalogLineIO, indicate: @escaping (SignallingIndication) -> Void) throws(CallControlError)
    /// The descriptor was ready with `events`.
    func handle(events: Int16)
    var deadline: ContinuousClock.Instant? { get }
    func runTimers(now: ContinuousClock.Instant)

    func place(_ call: CallID, _ setup: CallSetup) throws(CallControlError)
    /// How to tell that digits dialled on the line are a whole number (see
    /// `SignallingBackend.useDialPlan`); lines that collect no digits ignore it.
    func useDialPlan(_ settles: @escaping (String) -> Bool)
    func alert(inbandAudio: Bool)
    func progress(inbandAudio: Bool)
    func answer()
    func sendDigits(_ digits: String)
    func release(cause: Q850Cause)
    /// Drop any call with `cause` and leave the line on-hook and quiet.
    func stop(cause: Q850Cause)
}

extension AnalogLineMachine {
    func useDialPlan(_ settles: @escaping (String) -> Bool) {}

    /// The earliest of some optional instants.
    static func earliest(_ instants: ContinuousClock.Instant?...) -> ContinuousClock.Instant? {
        instants.compactMap { $0 }.min()
    }
}
