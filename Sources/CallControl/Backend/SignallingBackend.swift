/// One source of calls: a PRI span (one libpri instance on a D-channel), an SS7 linkset (one
/// libss7 instance on its links), or a group of analog lines.
///
/// Every method is called on the signalling thread only (`SignallingLoop`), which is why a backend
/// may hold non-thread-safe C state such as a `struct pri *`. The loop polls the descriptors the
/// backend asks for, calls `handle` when one is ready and `runTimers` when `nextDeadline` passes;
/// the backend reports what happens through the `indicate` closure it was started with.
public protocol SignallingBackend: AnyObject {
    /// The name operators see (`span1`, `ss7-carrier`, `fxo`).
    var name: String { get }

    /// Open devices and start the protocol (PRI: bring up Q.921 and send RESTART; SS7: align the
    /// links and send GRS). `indicate` is how the backend reports everything afterwards.
    func start(indicate: @escaping (SignallingIndication) -> Void) throws(CallControlError)

    /// Release every call with `cause` and close the devices.
    func stop(cause: Q850Cause)

    /// The descriptors to poll now, and for which events (`POLLIN`, `POLLPRI`...).
    func pollRequests() -> [PollRequest]

    /// `fd` is ready with `events` (as `poll` set them in `revents`).
    func handle(fd: Int32, events: Int16)

    /// When `runTimers` must next run; nil when no timer is pending.
    func nextDeadline() -> ContinuousClock.Instant?

    /// Run every timer that is due.
    func runTimers()

    /// Place an outgoing call. Errors when no channel is free or the link is down.
    func place(_ call: CallID, _ setup: CallSetup) throws(CallControlError)

    /// Acknowledge an incoming call: more digits wanted (overlap, SETUP ACKNOWLEDGE).
    func requestMoreDigits(_ call: CallID)
    /// Acknowledge an incoming call: the number is complete, routing (CALL PROCEEDING).
    func proceeding(_ call: CallID)
    /// Tell the caller the called party is being alerted (ALERTING, ACM).
    func alert(_ call: CallID, inbandAudio: Bool)
    /// Tell the caller in-band information is available (PROGRESS, CPG), e.g. before an announcement.
    func progress(_ call: CallID, inbandAudio: Bool)
    /// Answer an incoming call (CONNECT, ANM, off-hook).
    func answer(_ call: CallID)
    /// Send digits during a call: overlap sending of an outgoing call, or keypad information.
    func sendDigits(_ call: CallID, _ digits: String)
    /// End a call with `cause`. The backend indicates `released(by: .local)` once its release completes.
    func release(_ call: CallID, cause: Q850Cause)

    /// A maintenance action an operator asked for.
    func maintain(_ action: MaintenanceAction) throws(CallControlError)

    /// Every channel this backend owns and its state, for status displays.
    func channelStates() -> [ChannelStatus]

    /// Write the signalling this backend exchanges to a pcap file at `path` from now on (nil:
    /// stop and close it). Backends without a signalling channel refuse.
    func capture(to path: String?) throws(CallControlError)

    /// Call control's dial plan for numbers this backend collects itself (an FXS port's
    /// dialling): `settles(digits)` is true once routing would take the number as it stands,
    /// because no rule could match a longer one. Called on the signalling thread. Backends whose
    /// network says when a number is complete (PRI, ISUP) ignore it.
    func useDialPlan(_ settles: @escaping (String) -> Bool)
}

extension SignallingBackend {
    public func useDialPlan(_ settles: @escaping (String) -> Bool) {}

    public func capture(to path: String?) throws(CallControlError) {
        throw CallControlError("capture on \(name)", "this kind of trunk has no signalling channel to capture",
                               cause: .facilityNotImplemented)
    }
}

/// A descriptor a backend wants polled.
public struct PollRequest: Sendable, Equatable {
    public var fd: Int32
    public var events: Int16

    public init(fd: Int32, events: Int16) {
        self.fd = fd
        self.events = events
    }
}

/// An operator's maintenance request to a backend.
public enum MaintenanceAction: Sendable, Equatable {
    /// Block (BLO, SERVICE out of service) or unblock channels; for ISUP several channels of one
    /// linkset go as a group message (CGB/CGU).
    case block(channels: [Int])
    case unblock(channels: [Int])
    /// Reset channels (PRI RESTART, ISUP RSC/GRS), clearing any call on them.
    case reset(channels: [Int])
}

/// One channel of a backend as status displays show it.
public struct ChannelStatus: Sendable, Equatable, Codable {
    /// The DAHDI channel number.
    public var channel: Int
    public var availability: ChannelAvailability
    /// The call on it, if any.
    public var call: CallID?
    /// The backend's own name for the channel (`B5`, `CIC 17`, `fxo 3`).
    public var label: String

    public init(channel: Int, availability: ChannelAvailability, call: CallID?, label: String) {
        self.channel = channel
        self.availability = availability
        self.call = call
        self.label = label
    }
}
