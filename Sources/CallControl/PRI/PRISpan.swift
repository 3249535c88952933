import CDAHDI
import CLibPRI
import Glibc
import PSTNEngine

/// One ISDN PRI span: a libpri instance on the span's D-channel, either side of the interface,
/// any of the switch types libpri knows. Runs on the signalling thread only.
public final class PRISpan: SignallingBackend {
    public let configuration: PRISpanConfiguration
    public var name: String { configuration.name }
    /// Sees every Q.921 frame (without FCS) sent and received, for D-channel capture.
    public var capture: ((PcapWriter.Direction, [UInt8]) -> Void)?
    /// libpri's own diagnostics, and this span's protocol notes, for the log.
    public var log: @Sendable (String) -> Void = { _ in }
    /// libpri debug flags (`PRI_DEBUG_*`); its dumps go to `log`.
    public var debugFlags: Int32 = 0

    private let fd: Int32
    private let dChannel: DAHDIChannel?
    private var pri: OpaquePointer?
    private var indicate: (SignallingIndication) -> Void = { _ in }
    private var calls: [CallID: PRICall] = [:]
    /// RELEASE COMPLETE messages sent during the current `pri_hangup`.
    private var releaseCompleteSent = 0
    private var byHandle: [OpaquePointer: CallID] = [:]
    private var slots: [Int: Slot] = [:]
    private var linkUp = false
    private var inAlarm = false
    private var resetDeadline: ContinuousClock.Instant?
    private var readBuffer = [UInt8](repeating: 0, count: 1100)

    struct Slot {
        let dahdi: Int
        var availability: ChannelAvailability = .outOfService
        var call: CallID?
        var blockedLocally = false
    }

    /// Run the span on its DAHDI D-channel.
    public convenience init(_ configuration: PRISpanConfiguration, dahdi: DAHDIDirectory) throws(CallControlError) {
        let channel: DAHDIChannel
        do {
            channel = try DAHDIChannel(number: configuration.dChannel, in: dahdi, nonBlocking: true)
            try channel.setBuffers(count: 32, size: 1024)
        } catch {
            throw CallControlError("open D-channel \(configuration.dChannel) of \(configuration.name)", error.description,
                                   cause: .networkOutOfOrder)
        }
        self.init(configuration, descriptor: channel.fileDescriptor, dChannel: channel)
    }

    /// Run the span on a descriptor that keeps frame boundaries (a socketpair end in tests);
    /// frames carry 2 trailing FCS bytes as DAHDI's do. The caller keeps the descriptor open.
    public convenience init(_ configuration: PRISpanConfiguration, descriptor: Int32) {
        self.init(configuration, descriptor: descriptor, dChannel: nil)
    }

    private init(_ configuration: PRISpanConfiguration, descriptor: Int32, dChannel: DAHDIChannel?) {
        self.configuration = configuration
        self.fd = descriptor
        self.dChannel = dChannel
        for (pri, dahdi) in configuration.bChannels { slots[pri] = Slot(dahdi: dahdi) }
    }

    deinit {
        if let pri { PRILibrary.unregister(pri) }
    }

    // MARK: SignallingBackend

    public func start(indicate: @escaping (SignallingIndication) -> Void) throws(CallControlError) {
        self.indicate = indicate
        PRILibrary.installLogging()
        let node = configuration.side == .network ? PRI_NETWORK : PRI_CPE
        guard let made = pri_new_cb(fd, node, configuration.switchType.libpriValue, { ctrl, buf, len in
            PRISpan.owner(ctrl)?.readFrame(buf, Int(len)) ?? -1
        }, { ctrl, buf, len in
            PRISpan.owner(ctrl)?.writeFrame(buf, Int(len)) ?? -1
        }, Unmanaged.passUnretained(self).toOpaque()) else {
            throw CallControlError("start PRI on \(name)", "libpri refused the configuration", cause: .networkOutOfOrder)
        }
        pri = made
        PRILibrary.register(made, name: name, log: log)
        pri_set_overlapdial(made, configuration.overlapReceiving ? 1 : 0)
        if debugFlags != 0 { pri_set_debug(made, debugFlags) }
        if configuration.switchType.hasServiceMessages {
            _ = pri_set_service_message_support(made, 1)
        }
        // Every channel waits for the D-channel; a span in alarm waits for the alarm to clear too.
        if let params = try? dChannel?.parameters(), params.alarms != 0 { inAlarm = true }
    }

    public func stop(cause: Q850Cause) {
        for id in Array(calls.keys) {
            guard let call = calls[id] else { continue }
            if let pri { pri_hangup(pri, call.handle, Int32(cause.rawValue)) }
            finish(id, cause: cause, by: .local)
        }
        // libpri has no destructor: a stopped span's `struct pri` is left idle, never called again.
        if let pri { PRILibrary.unregister(pri) }
        pri = nil
    }

    public func pollRequests() -> [PollRequest] {
        guard pri != nil else { return [] }
        return [PollRequest(fd: fd, events: Int16(POLLIN | POLLPRI))]
    }

    public func handle(fd: Int32, events: Int16) {
        guard let pri else { return }
        if events & Int16(POLLPRI) != 0 { drainDAHDIEvents() }
        if events & Int16(POLLIN) != 0, let event = pri_check_event(pri) {
            dispatch(event)
        }
        if events & Int16(POLLERR | POLLHUP | POLLNVAL) != 0, dChannel == nil {
            // A test's socket peer went away: the link is gone.
            linkDown(cause: .networkOutOfOrder)
            self.pri = nil
            PRILibrary.unregister(pri)
        }
    }

    public func nextDeadline() -> ContinuousClock.Instant? {
        var earliest = resetDeadline
        if let pri, let tv = pri_schedule_next(pri) {
            var now = timeval()
            gettimeofday(&now, nil)
            let micros = (Int64(tv.pointee.tv_sec) - Int64(now.tv_sec)) * 1_000_000
                + Int64(tv.pointee.tv_usec) - Int64(now.tv_usec)
            // Overdue timers give an instant in the past, so the loop sees them as due.
            let due = ContinuousClock.now + .microseconds(micros)
            if earliest.map({ due < $0 }) ?? true { earliest = due }
        }
        return earliest
    }

    public func runTimers() {
        if let deadline = resetDeadline, deadline <= .now {
            resetDeadline = nil
            // A far end that never acknowledged RESTART: take its channels as idle.
            for (pri, slot) in slots where slot.availability == .resetting {
                setAvailability(pri, slot.blockedLocally ? .blockedLocally : .idle)
            }
        }
        // Each call runs the expired timers until one yields an event; run until none is left.
        for _ in 0..<64 {
            guard let pri = self.pri, let event = pri_schedule_run(pri) else { return }
            dispatch(event)
        }
    }

    public func place(_ id: CallID, _ setup: CallSetup) throws(CallControlError) {
        let what = "place a call to \(setup.called) on \(name)"
        guard let pri, linkUp, !inAlarm else {
            throw CallControlError(what, "the D-channel is down", cause: .networkOutOfOrder)
        }
        var exclusive = setup.channel?.exclusive ?? false
        var chosen: Int?
        if let wanted = setup.channel?.channel {
            chosen = slots.first { $0.value.dahdi == wanted && $0.value.availability == .idle }?.key
            if chosen == nil && exclusive {
                throw CallControlError(what, "channel \(wanted) is not free", cause: .requestedCircuitNotAvailable)
            }
        }
        if chosen == nil {
            chosen = freeChannel()
            exclusive = false
        }
        guard let channel = chosen else {
            throw CallControlError(what, "no free B-channel", cause: .noCircuitAvailable)
        }
        guard let handle = pri_new_call(pri) else {
            throw CallControlError(what, "libpri could not make a call", cause: .temporaryFailure)
        }
        guard let sr = pri_sr_new() else {
            pri_destroycall(pri, handle)
            throw CallControlError(what, "libpri could not make a setup request", cause: .temporaryFailure)
        }
        defer { pri_sr_free(sr) }
        pri_sr_set_channel(sr, Int32(channel), exclusive ? 1 : 0, 1)
        let transfer: Int32 = setup.bearer == .unrestrictedDigital ? 0x08 : (setup.bearer == .audio3_1kHz ? PRI_TRANS_CAP_3_1K_AUDIO : PRI_TRANS_CAP_SPEECH)
        pri_sr_set_bearer(sr, transfer, configuration.bChannels.count > 23 ? PRI_LAYER_1_ALAW : PRI_LAYER_1_ULAW)
        var called = setup.called.digits
        let calling = setup.calling?.digits ?? ""
        let callingName = setup.callingName ?? ""
        called.withUTF8 { _ in }
        _ = called.withCString { c in
            pri_sr_set_called(sr, UnsafeMutablePointer(mutating: c), PRINumbers.planOctet(setup.called), setup.numberComplete ? 1 : 0)
        }
        if let number = setup.calling {
            calling.withCString { c in
                callingName.withCString { n in
                    _ = pri_sr_set_caller(sr, UnsafeMutablePointer(mutating: c), UnsafeMutablePointer(mutating: n),
                                          PRINumbers.planOctet(number), PRINumbers.presentationOctet(number))
                }
            }
        }
        if let redirecting = setup.redirecting {
            let digits = redirecting.number.digits
            digits.withCString { c in
                _ = pri_sr_set_redirecting(sr, UnsafeMutablePointer(mutating: c), PRINumbers.planOctet(redirecting.number),
                                           PRINumbers.presentationOctet(redirecting.number), Int32(redirecting.reason.rawValue))
            }
        }
        guard pri_setup(pri, handle, sr) == 0 else {
            pri_destroycall(pri, handle)
            throw CallControlError(what, "libpri refused the SETUP", cause: .temporaryFailure)
        }
        var call = PRICall(id: id, handle: handle, outgoing: true)
        call.channel = channel
        calls[id] = call
        byHandle[handle] = id
        occupy(channel, by: id)
    }

    public func requestMoreDigits(_ id: CallID) {
        guard let pri, var call = calls[id], let channel = call.channel else { return }
        pri_need_more_info(pri, call.handle, Int32(channel), 1)
        call.stage = .collecting
        calls[id] = call
    }

    public func proceeding(_ id: CallID) {
        guard let pri, var call = calls[id], let channel = call.channel, !call.outgoing,
              call.stage == .setup || call.stage == .collecting else { return }
        pri_proceeding(pri, call.handle, Int32(channel), 1)
        call.stage = .proceeding
        calls[id] = call
    }

    public func alert(_ id: CallID, inbandAudio: Bool) {
        guard let pri, var call = calls[id], let channel = call.channel, !call.outgoing,
              call.stage != .answered, call.stage != .releasing else { return }
        if call.stage == .setup || call.stage == .collecting {
            pri_proceeding(pri, call.handle, Int32(channel), 1)
        }
        pri_acknowledge(pri, call.handle, Int32(channel), inbandAudio ? 1 : 0)
        call.stage = .alerting
        calls[id] = call
    }

    public func progress(_ id: CallID, inbandAudio: Bool) {
        guard let pri, let call = calls[id], let channel = call.channel, !call.outgoing,
              call.stage != .answered, call.stage != .releasing else { return }
        pri_progress(pri, call.handle, Int32(channel), inbandAudio ? 1 : 0)
    }

    public func answer(_ id: CallID) {
        guard let pri, var call = calls[id], let channel = call.channel, !call.outgoing,
              call.stage != .answered, call.stage != .releasing else { return }
        pri_answer(pri, call.handle, Int32(channel), 1)
        call.stage = .answered
        calls[id] = call
    }

    public func sendDigits(_ id: CallID, _ digits: String) {
        guard let pri, let call = calls[id] else { return }
        for d in PRINumbers.digits(digits).utf8 {
            pri_information(pri, call.handle, CChar(bitPattern: d))
        }
    }

    public func release(_ id: CallID, cause: Q850Cause) {
        guard let pri, var call = calls[id] else { return }
        guard call.stage != .releasing else { return }
        if !call.outgoing, call.stage == .setup, let channel = call.channel {
            // libpri does not send the DISCONNECT of an incoming call it was never told was
            // accepted (seen with a second call on the span): acknowledge it first.
            pri_proceeding(pri, call.handle, Int32(channel), 0)
        }
        call.stage = .releasing
        call.localCause = cause
        calls[id] = call
        releaseCompleteSent = 0
        pri_hangup(pri, call.handle, Int32(cause.rawValue))
        // Refusing a call early, libpri clears it with RELEASE COMPLETE and forgets it without an
        // event (pri_hangup touches only this call, so the message sent during it is this call's).
        if releaseCompleteSent > 0 { finish(id, cause: cause, by: .local) }
    }

    public func capture(to path: String?) throws(CallControlError) {
        guard let path else {
            capture = nil
            return
        }
        let writer = try PcapWriter(path: path, linkType: .linuxLAPD, networkSide: configuration.side == .network)
        capture = { writer.write($1, direction: $0) }
    }

    public func maintain(_ action: MaintenanceAction) throws(CallControlError) {
        guard let pri else { throw CallControlError("maintenance on \(name)", "the span is stopped") }
        func priChannel(_ dahdi: Int) throws(CallControlError) -> Int {
            guard let c = slots.first(where: { $0.value.dahdi == dahdi })?.key else {
                throw CallControlError("maintenance on \(name)", "channel \(dahdi) is not a B-channel of this span")
            }
            return c
        }
        switch action {
        case let .block(channels):
            for dahdi in channels {
                let c = try priChannel(dahdi)
                slots[c]?.blockedLocally = true
                if configuration.switchType.hasServiceMessages { _ = pri_maintenance_service(pri, 0, Int32(c), 2) }
                if slots[c]?.call == nil { setAvailability(c, .blockedLocally) }
            }
        case let .unblock(channels):
            for dahdi in channels {
                let c = try priChannel(dahdi)
                slots[c]?.blockedLocally = false
                if configuration.switchType.hasServiceMessages { _ = pri_maintenance_service(pri, 0, Int32(c), 0) }
                if slots[c]?.call == nil, linkUp { setAvailability(c, .idle) }
            }
        case let .reset(channels):
            for dahdi in channels {
                let c = try priChannel(dahdi)
                if let id = slots[c]?.call {
                    finish(id, cause: .normalUnspecified, by: .local)
                }
                setAvailability(c, .resetting)
                pri_reset(pri, Int32(c))
            }
            resetDeadline = .now + .seconds(10)
        }
    }

    public func channelStates() -> [ChannelStatus] {
        slots.sorted { $0.key < $1.key }.map {
            ChannelStatus(channel: $0.value.dahdi, availability: $0.value.availability, call: $0.value.call,
                          label: "B\($0.key)")
        }
    }

    // MARK: Frames

    private static func owner(_ ctrl: OpaquePointer?) -> PRISpan? {
        guard let ctrl, let raw = pri_get_userdata(ctrl) else { return nil }
        return Unmanaged<PRISpan>.fromOpaque(raw).takeUnretainedValue()
    }

    private func readFrame(_ buffer: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        guard let buffer else { return -1 }
        let n = Glibc.read(fd, buffer, length)
        if n < 0 {
            if errno == DAHDIErrno.eventPending { drainDAHDIEvents() }
            return -1
        }
        if n > 2, let capture {
            capture(.received, Array(UnsafeRawBufferPointer(start: buffer, count: n - 2)))
        }
        return Int32(n)
    }

    private func writeFrame(_ buffer: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        guard let buffer else { return -1 }
        if Self.isReleaseComplete(UnsafeRawBufferPointer(start: buffer, count: max(0, length - 2))) { releaseCompleteSent += 1 }
        if length > 2, let capture {
            capture(.sent, Array(UnsafeRawBufferPointer(start: buffer, count: length - 2)))
        }
        let n = Glibc.write(fd, buffer, length)
        return n < 0 ? -1 : Int32(n)
    }

    private func drainDAHDIEvents() {
        guard let dChannel else { return }
        while let event = try? dChannel.nextEvent() {
            switch event {
            case .alarm:
                inAlarm = true
                linkDown(cause: .networkOutOfOrder)
            case .noAlarm:
                inAlarm = false
            case .badFCS, .abort, .overrun:
                indicate(.protocolError("\(name): D-channel \(event)"))
            default:
                break
            }
        }
    }

    // MARK: Events

    private func dispatch(_ event: UnsafeMutablePointer<pri_event>) {
        switch event.pointee.e {
        case PRI_EVENT_DCHAN_UP:
            linkUp = true
            indicate(.link(name: name, up: true))
            restartAll()
        case PRI_EVENT_DCHAN_DOWN:
            linkDown(cause: .networkOutOfOrder)
        case PRI_EVENT_RESTART:
            let c = Int(event.pointee.restart.channel & 0xFF)
            if event.pointee.restart.channel < 0 || c == 0 {
                for k in slots.keys { restarted(k) }
            } else {
                restarted(c)
            }
        case PRI_EVENT_RESTART_ACK:
            let c = Int(event.pointee.restartack.channel & 0xFF)
            if event.pointee.restartack.channel < 0 || c == 0 {
                for k in slots.keys where slots[k]?.availability == .resetting { becameIdle(k) }
            } else if slots[c]?.availability == .resetting {
                becameIdle(c)
            }
        case PRI_EVENT_RING:
            ring(&event.pointee.ring)
        case PRI_EVENT_INFO_RECEIVED:
            let info = event.pointee.ring
            guard let handle = info.call, let id = byHandle[handle] else { return }
            let digits = PRINumbers.digits(PRINumbers.string(info.callednum))
            indicate(.moreDigits(id, digits: digits, complete: info.complete != 0))
        case PRI_EVENT_SETUP_ACK:
            let e = event.pointee.setup_ack
            if let handle = e.call, let id = byHandle[handle] { settle(id, channel: Int(e.channel & 0xFF)) }
        case PRI_EVENT_PROCEEDING:
            let e = event.pointee.proceeding
            guard let handle = e.call, let id = byHandle[handle] else { return }
            settle(id, channel: Int(e.channel & 0xFF))
            calls[id]?.stage = .proceeding
            indicate(.proceeding(id, channel: calls[id]?.channel.flatMap { slots[$0]?.dahdi }))
        case PRI_EVENT_PROGRESS:
            let e = event.pointee.proceeding
            guard let handle = e.call, let id = byHandle[handle] else { return }
            indicate(.progress(id, inbandAudio: e.progressmask & PRI_PROG_INBAND_AVAILABLE != 0))
        case PRI_EVENT_RINGING:
            let e = event.pointee.ringing
            guard let handle = e.call, let id = byHandle[handle] else { return }
            settle(id, channel: Int(e.channel & 0xFF))
            calls[id]?.stage = .alerting
            indicate(.alerting(id, inbandAudio: e.progressmask & PRI_PROG_INBAND_AVAILABLE != 0))
        case PRI_EVENT_ANSWER:
            let e = event.pointee.answer
            guard let handle = e.call, let id = byHandle[handle] else { return }
            settle(id, channel: Int(e.channel & 0xFF))
            calls[id]?.stage = .answered
            indicate(.answered(id))
        case PRI_EVENT_HANGUP_REQ, PRI_EVENT_HANGUP:
            // DISCONNECT (HANGUP_REQ) or RELEASE from the far end: answer with our release, same cause.
            let e = event.pointee.hangup
            guard let handle = e.call, let pri else { return }
            let cause = Q850Cause(rawValue: Int(e.cause)) ?? .normalUnspecified
            guard let id = byHandle[handle] else {
                pri_hangup(pri, handle, e.cause)
                return
            }
            let ours = calls[id]?.localCause
            // After a RELEASE (HANGUP) libpri waits for pri_hangup to send RELEASE COMPLETE and
            // free the call, even when we disconnected first: without it the far end's call
            // reference stays busy and its next SETUP with that reference is ignored.
            pri_hangup(pri, handle, e.cause)
            finish(id, cause: ours ?? cause, by: ours == nil ? .remote : .local)
        case PRI_EVENT_HANGUP_ACK:
            let e = event.pointee.hangup
            guard let handle = e.call, let id = byHandle[handle] else { return }
            finish(id, cause: calls[id]?.localCause ?? .normalClearing, by: .local)
        case PRI_EVENT_KEYPAD_DIGIT:
            let e = event.pointee.digit
            guard let handle = e.call, let id = byHandle[handle] else { return }
            for d in PRINumbers.digits(PRINumbers.string(e.digits)) { indicate(.digit(id, d)) }
        case PRI_EVENT_SERVICE:
            let e = event.pointee.service
            let c = Int(e.channel & 0xFF)
            guard slots[c] != nil else { return }
            if e.changestatus == 0 {
                if slots[c]?.call == nil { setAvailability(c, slots[c]!.blockedLocally ? .blockedLocally : .idle) }
            } else if slots[c]?.call == nil {
                setAvailability(c, .blockedRemotely)
            }
        case PRI_EVENT_CONFIG_ERR:
            indicate(.protocolError("\(name): libpri configuration error: \(PRINumbers.string(event.pointee.err.err))"))
        default:
            break
        }
    }

    private func ring(_ e: inout pri_event_ring) {
        guard let pri, let handle = e.call else { return }
        if !linkUp {
            linkUp = true
            indicate(.link(name: name, up: true))
        }
        let requested = Int(e.channel & 0xFF)
        var channel: Int? = e.channel > 0 && slots[requested] != nil ? requested : nil
        let exclusive = e.flexible == 0
        if let c = channel, slots[c]?.availability != .idle {
            let glare = slots[c]?.call.flatMap { calls[$0] }.map { $0.outgoing && $0.stage == .setup } ?? false
            if glare && configuration.side == .user {
                // Glare: the network's SETUP wins; ours will be refused by the network.
                if let ours = slots[c]?.call { calls[ours]?.channel = nil }
                slots[c]?.call = nil
                slots[c]?.availability = .idle
            } else if !exclusive, let other = freeChannel() {
                channel = other
            } else {
                pri_hangup(pri, handle, Int32(Q850Cause.requestedCircuitNotAvailable.rawValue))
                indicate(.protocolError("\(name): SETUP for busy channel B\(c) refused with cause 44"))
                return
            }
        }
        if channel == nil {
            guard let free = freeChannel() else {
                pri_hangup(pri, handle, Int32(Q850Cause.noCircuitAvailable.rawValue))
                return
            }
            channel = free
        }
        let id = CallID.next()
        var call = PRICall(id: id, handle: handle, outgoing: false)
        call.channel = channel
        calls[id] = call
        byHandle[handle] = id
        occupy(channel!, by: id)
        let callingDigits = PRINumbers.digits(PRINumbers.string(e.callingnum))
        let calledDigits = PRINumbers.digits(PRINumbers.string(e.callednum))
        let redirectingDigits = PRINumbers.digits(PRINumbers.string(e.redirectingnum))
        let name = PRINumbers.string(e.callingname)
        var setup = CallSetup(
            calling: callingDigits.isEmpty && e.callingpres & 0x60 == 0 ? nil
                : PRINumbers.party(digits: callingDigits, plan: e.callingplan, presentation: e.callingpres),
            called: PRINumbers.party(digits: calledDigits, plan: e.calledplan, presentation: 0),
            callingName: name.isEmpty ? nil : name,
            bearer: e.ctype == PRI_TRANS_CAP_3_1K_AUDIO ? .audio3_1kHz : (e.ctype == 0x08 ? .unrestrictedDigital : .speech),
            channel: ChannelSelection(channel: slots[channel!]!.dahdi, exclusive: exclusive),
            numberComplete: e.complete != 0 || !configuration.overlapReceiving)
        if !redirectingDigits.isEmpty {
            setup.redirecting = RedirectingNumber(
                number: PRINumbers.party(digits: redirectingDigits, plan: e.callingplanrdnis, presentation: 0),
                reason: RedirectingNumber.Reason(rawValue: Int(e.redirectingreason)) ?? .unknown)
        }
        indicate(.incoming(id, channel: slots[channel!]!.dahdi, setup))
    }

    // MARK: Channels

    /// A free channel: user side hunts from the top, network side from the bottom, so the two
    /// ends rarely pick the same channel at once.
    private func freeChannel() -> Int? {
        let free = slots.filter { $0.value.availability == .idle }.map(\.key)
        return configuration.side == .user ? free.max() : free.min()
    }

    private func occupy(_ channel: Int, by id: CallID) {
        slots[channel]?.call = id
        setAvailability(channel, .inUse)
    }

    private func settle(_ id: CallID, channel: Int) {
        guard var call = calls[id], channel > 0, slots[channel] != nil, call.channel != channel else { return }
        if let old = call.channel, slots[old]?.call == id { release(channel: old) }
        call.channel = channel
        calls[id] = call
        occupy(channel, by: id)
    }

    private func release(channel c: Int) {
        slots[c]?.call = nil
        guard linkUp, !inAlarm else {
            setAvailability(c, .outOfService)
            return
        }
        setAvailability(c, slots[c]!.blockedLocally ? .blockedLocally : .idle)
    }

    private func setAvailability(_ c: Int, _ availability: ChannelAvailability) {
        guard let slot = slots[c], slot.availability != availability else { return }
        slots[c]?.availability = availability
        indicate(.channelState(channel: slot.dahdi, availability))
    }

    private func restartAll() {
        guard let pri else { return }
        for c in slots.keys.sorted() {
            if let id = slots[c]?.call { finish(id, cause: .normalUnspecified, by: .system) }
            setAvailability(c, .resetting)
            pri_reset(pri, Int32(c))
        }
        resetDeadline = .now + .seconds(10)
    }

    private func restarted(_ c: Int) {
        guard slots[c] != nil else { return }
        if let id = slots[c]?.call { finish(id, cause: .normalUnspecified, by: .remote) }
        becameIdle(c)
    }

    private func becameIdle(_ c: Int) {
        guard slots[c]?.call == nil else { return }
        setAvailability(c, slots[c]!.blockedLocally ? .blockedLocally : .idle)
    }

    private func linkDown(cause: Q850Cause) {
        let wasUp = linkUp
        linkUp = false
        for id in Array(calls.keys) {
            if let pri, let call = calls[id] { pri_destroycall(pri, call.handle) }
            finish(id, cause: cause, by: .system)
        }
        for c in slots.keys { setAvailability(c, .outOfService) }
        if wasUp { indicate(.link(name: name, up: false)) }
    }

    /// The call is over on this span: free its channel and tell call control.
    private func finish(_ id: CallID, cause: Q850Cause, by: SignallingIndication.Releaser) {
        guard let call = calls.removeValue(forKey: id) else { return }
        byHandle[call.handle] = nil
        if let c = call.channel, slots[c]?.call == id { release(channel: c) }
        indicate(.released(id, cause: cause, by: by))
    }

    /// Whether a Q.921 frame is an I-frame carrying a Q.931 RELEASE COMPLETE.
    static func isReleaseComplete(_ frame: UnsafeRawBufferPointer) -> Bool {
        // Address (2), control (2, I-frame: low bit 0), protocol discriminator, CR length, CR, type.
        guard frame.count >= 7, frame[2] & 1 == 0, frame[4] == 0x08 else { return false }
        let length = Int(frame[5] & 0x0F)
        return length <= 2 && frame.count > 6 + length && frame[6 + length] == 0x5A
    }
}
