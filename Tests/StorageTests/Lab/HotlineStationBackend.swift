import CallControl
import Glibc
import PSTNEngine

/// A stand-in analog backend for the store's lab test: one FXS port whose phone, when lifted,
/// makes an incoming call to a fixed number, and whose hang-up ends it. Just enough signalling to
/// drive real call control from a real (emulated) line; the real analog backend lives elsewhere.
final class HotlineStationBackend: SignallingBackend {
    let name: String
    private let port: Int
    private let dahdi: DAHDIDirectory
    private let hotline: String
    private var channel: DAHDIChannel?
    private var indicate: ((SignallingIndication) -> Void)?
    private var call: CallID?

    init(name: String, port: Int, dahdi: DAHDIDirectory, hotline: String) {
        self.name = name
        self.port = port
        self.dahdi = dahdi
        self.hotline = hotline
    }

    func start(indicate: @escaping (SignallingIndication) -> Void) throws(CallControlError) {
        do {
            channel = try DAHDIChannel(number: port, in: dahdi)
        } catch {
            throw CallControlError("start station backend \(name)", "cannot open DAHDI channel \(port): \(error)")
        }
        self.indicate = indicate
    }

    func stop(cause: Q850Cause) {
        if let call { indicate?(.released(call, cause: cause, by: .local)) }
        call = nil
        channel = nil
    }

    func pollRequests() -> [PollRequest] {
        channel.map { [PollRequest(fd: $0.fileDescriptor, events: Int16(POLLPRI))] } ?? []
    }

    func handle(fd: Int32, events: Int16) {
        while let event = try? channel?.nextEvent() {
            switch event {
            case .ringOffHook where call == nil:
                let id = CallID.next()
                call = id
                indicate?(.incoming(id, channel: port, CallSetup(calling: PartyNumber("\(port)"),
                                                                 called: PartyNumber(hotline))))
            case .onHook:
                if let id = call { indicate?(.released(id, cause: .normalClearing, by: .remote)) }
                call = nil
            default:
                break
            }
        }
    }

    func nextDeadline() -> ContinuousClock.Instant? { nil }
    func runTimers() {}

    func place(_ call: CallID, _ setup: CallSetup) throws(CallControlError) {
        throw CallControlError("place call on \(name)", "the hotline station takes no outgoing calls")
    }

    func requestMoreDigits(_ call: CallID) {}
    func proceeding(_ call: CallID) {}
    func alert(_ call: CallID, inbandAudio: Bool) {}
    func progress(_ call: CallID, inbandAudio: Bool) {}
    /// The phone is already off-hook: answering it is call control's bookkeeping alone.
    func answer(_ call: CallID) {}
    func sendDigits(_ call: CallID, _ digits: String) {}

    func release(_ call: CallID, cause: Q850Cause) {
        guard call == self.call else { return }
        self.call = nil
        indicate?(.released(call, cause: cause, by: .local))
    }

    func maintain(_ action: MaintenanceAction) throws(CallControlError) {}
    func channelStates() -> [ChannelStatus] { [] }
}
