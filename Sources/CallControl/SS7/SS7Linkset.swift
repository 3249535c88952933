import CDAHDI
import CLibSS7
import Glibc
import PSTNEngine

/// One SS7 linkset: a libss7 instance over its signalling links (MTP2 in software on HDLC
/// timeslots), ISUP on its circuits. Runs on the signalling thread only.
public final class SS7Linkset: SignallingBackend {
    public let configuration: SS7LinksetConfiguration
    public var name: String { configuration.name }
    public var log: @Sendable (String) -> Void = { _ in }
    /// Capture the links' MTP2 traffic to this pcap file from start-up.
    public var captureAtStart: String?
    /// libss7 debug flags (`SS7_DEBUG_*`).
    public var debugFlags: UInt32 = 0

    private var ss7: OpaquePointer?
    /// The links' own descriptors (DAHDI HDLC channels, or sockets in tests), one per link.
    private let descriptors: [Int32]
    /// The frame checks between each link and libss7, in link order; libss7 sees only their
    /// `library` descriptors.
    private var relays: [SS7LinkRelay] = []
    private let channels: [DAHDIChannel]
    private var indicate: (SignallingIndication) -> Void = { _ in }
    private var circuits: [Int: Circuit] = [:]
    private var calls: [CallID: SS7Call] = [:]
    private var byHandle: [OpaquePointer: CallID] = [:]
    private var up = false
    /// While the linkset is down: when to restart alignment on its links (libss7 does not retry
    /// by itself after a failure that was not an alarm).
    private var realignAt: ContinuousClock.Instant?
    private var linksInAlarm: Set<Int32> = []
    /// libss7 actions its callbacks asked for, carried out once its event is handled.
    private var deferred: [() -> Void] = []
    /// Circuits lost to the far end in a dual seizure, with the setup of the IAM we had sent
    /// there, until the far end's call (parsed into our call's structure) is taken.
    private var overtaken: [Int: CallSetup] = [:]
    private var handle: SS7Library.SS7LinksetHandle?

    struct Circuit {
        let channel: Int
        var call: CallID?
        var resetting = true
        var blockedLocally = false
        var blockedRemotely = false
        var inService = false

        var availability: ChannelAvailability {
            if !inService { return .outOfService }
            if call != nil { return .inUse }
            if resetting { return .resetting }
            if blockedLocally { return .blockedLocally }
            if blockedRemotely { return .blockedRemotely }
            return .idle
        }
    }

    struct SS7Call {
        let id: CallID
        let handle: OpaquePointer
        let cic: Int
        let outgoing: Bool
        /// An outgoing call's setup, for a repeat attempt on another circuit after dual seizure.
        var setup: CallSetup?
        var acmSent = false
        var answered = false
        var localCause: Q850Cause?
    }

    /// Run the linkset on its DAHDI signalling link channels.
    public convenience init(_ configuration: SS7LinksetConfiguration, dahdi: DAHDIDirectory) throws(CallControlError) {
        var opened: [DAHDIChannel] = []
        for link in configuration.links {
            do {
                let c = try DAHDIChannel(number: link.channel, in: dahdi, nonBlocking: true)
                try c.setBuffers(count: 32, size: 512)
                opened.append(c)
            } catch {
                throw CallControlError("open SS7 link channel \(link.channel) of \(configuration.name)", error.description,
                                       cause: .networkOutOfOrder)
            }
        }
        self.init(configuration, descriptors: opened.map(\.fileDescriptor), channels: opened)
    }

    /// Run the linkset on descriptors that keep frame boundaries (socketpair ends in tests), one
    /// per configured link in order; frames carry 2 trailing FCS bytes as DAHDI's do.
    public convenience init(_ configuration: SS7LinksetConfiguration, descriptors: [Int32]) {
        self.init(configuration, descriptors: descriptors, channels: [])
    }

    private init(_ configuration: SS7LinksetConfiguration, descriptors: [Int32], channels: [DAHDIChannel]) {
        self.configuration = configuration
        self.descriptors = descriptors
        self.channels = channels
        for (cic, channel) in configuration.circuits { circuits[cic] = Circuit(channel: channel) }
    }

    deinit {
        if let ss7 { SS7Library.unregister(ss7) }
    }

    private var dpc: UInt32 { configuration.destinationPointCode }

    // MARK: SignallingBackend

    public func start(indicate: @escaping (SignallingIndication) -> Void) throws(CallControlError) {
        self.indicate = indicate
        SS7Library.install()
        guard let made = ss7_new(configuration.variant.libss7Value) else {
            throw CallControlError("start SS7 linkset \(name)", "libss7 refused the variant", cause: .networkOutOfOrder)
        }
        ss7 = made
        let h = SS7Library.SS7LinksetHandle(linkset: self, log: { [name, log] in log("\(name): \($0)") })
        handle = h
        SS7Library.register(made, h)
        _ = ss7_set_network_ind(made, configuration.networkIndicator.libss7Value)
        _ = ss7_set_pc(made, configuration.originatingPointCode)
        if debugFlags != 0 { ss7_set_debug(made, debugFlags) }
        relays = []
        for (link, fd) in zip(configuration.links, descriptors) {
            let relay = try SS7LinkRelay(wire: fd, guard: SS7FrameGuard(
                ansi: configuration.variant == .ansi, ownPointCode: configuration.originatingPointCode,
                farPointCode: dpc))
            relay.report = { [name, indicate] text in
                indicate(.protocolError("\(name) link \(link.slc) (channel \(link.channel)): \(text)"))
            }
            relays.append(relay)
            guard ss7_add_link(made, SS7_TRANSPORT_DAHDIDCHAN, relay.library, Int32(link.slc), dpc) == 0 else {
                throw CallControlError("add SS7 link \(link.channel) to \(name)", "libss7 refused it", cause: .networkOutOfOrder)
            }
        }
        if let path = captureAtStart { try capture(to: path) }
        guard ss7_start(made) == 0 else {
            throw CallControlError("start SS7 linkset \(name)", "libss7 could not start", cause: .networkOutOfOrder)
        }
    }

    public func stop(cause: Q850Cause) {
        for id in Array(calls.keys) { finish(id, cause: cause, by: .local) }
        if let ss7 {
            SS7Library.unregister(ss7)
            ss7_destroy(ss7)
        }
        ss7 = nil
    }

    public func pollRequests() -> [PollRequest] {
        guard let ss7 else { return [] }
        return relays.flatMap { relay in
            relay.pollRequests + [PollRequest(fd: relay.library, events: Int16(truncatingIfNeeded: ss7_pollflags(ss7, relay.library)))]
        }
    }

    public func handle(fd: Int32, events: Int16) {
        guard let ss7 else { return }
        if let relay = relays.first(where: { $0.library == fd }) {
            if events & Int16(POLLIN) != 0 { _ = ss7_read(ss7, relay.library) }
            if events & Int16(POLLOUT) != 0 { _ = ss7_write(ss7, relay.library) }
        } else {
            if events & Int16(POLLPRI) != 0, let relay = relays.first(where: { $0.wire == fd }) { drainDAHDIEvents(relay) }
            for relay in relays where relay.handle(fd: fd, events: events) { break }
        }
        drainEvents()
    }

    public func nextDeadline() -> ContinuousClock.Instant? {
        guard let ss7 else { return nil }
        var due = realignAt
        if let tv = ss7_schedule_next(ss7) {
            var now = timeval()
            gettimeofday(&now, nil)
            let micros = (Int64(tv.pointee.tv_sec) - Int64(now.tv_sec)) * 1_000_000 + Int64(tv.pointee.tv_usec) - Int64(now.tv_usec)
            let libraryDue = ContinuousClock.now + .microseconds(micros)
            if due.map({ libraryDue < $0 }) ?? true { due = libraryDue }
        }
        return due
    }

    public func runTimers() {
        guard let ss7 else { return }
        if let at = realignAt, at <= .now {
            realignAt = up ? nil : .now + .seconds(10)
            for fd in relays.map(\.library) where !linksInAlarm.contains(fd) {
                log("\(name): restarting alignment on a failed link")
                ss7_link_alarm(ss7, fd)
                ss7_link_noalarm(ss7, fd)
            }
        }
        _ = ss7_schedule_run(ss7)
        drainEvents()
    }

    public func place(_ id: CallID, _ setup: CallSetup) throws(CallControlError) {
        let what = "place a call to \(setup.called) on \(name)"
        guard let ss7, up else { throw CallControlError(what, "the linkset is down", cause: .networkOutOfOrder) }
        var cic: Int?
        if let wanted = setup.channel?.channel {
            cic = circuits.first { $0.value.channel == wanted && $0.value.availability == .idle && overtaken[$0.key] == nil }?.key
            if cic == nil, setup.channel?.exclusive == true {
                throw CallControlError(what, "circuit of channel \(wanted) is not free", cause: .requestedCircuitNotAvailable)
            }
        }
        if cic == nil { cic = freeCircuit() }
        guard let cic else { throw CallControlError(what, "no free circuit", cause: .noCircuitAvailable) }
        try seize(cic, for: id, setup, ss7)
    }

    /// Whether this end controls `cic` when both ends seize it at once (Q.764 2.9.1.4, as
    /// libss7 decides it): the end with the higher point code controls the even circuits.
    func controls(_ cic: Int) -> Bool {
        configuration.originatingPointCode > dpc ? cic.isMultiple(of: 2) : !cic.isMultiple(of: 2)
    }

    /// The circuit for a new outgoing call (Q.764 2.9.1.3, method 2): the lowest free circuit
    /// this end controls, else the highest free one the far end controls, so that the two ends
    /// seize the same circuit at once only when the route is nearly full.
    private func freeCircuit(except avoided: Int? = nil) -> Int? {
        let free = circuits.filter { $0.value.availability == .idle && $0.key != avoided && overtaken[$0.key] == nil }.keys
        return free.filter(controls).min() ?? free.max()
    }

    /// Send the IAM of call `id` on `cic`.
    private func seize(_ cic: Int, for id: CallID, _ setup: CallSetup, _ ss7: OpaquePointer) throws(CallControlError) {
        let what = "place a call to \(setup.called) on CIC \(cic) of \(name)"
        guard let handle = isup_new_call(ss7, Int32(cic), dpc, 1) else {
            throw CallControlError(what, "libss7 could not make a call", cause: .temporaryFailure)
        }
        setup.called.digits.withCString { isup_set_called(handle, $0, SS7Numbers.nai(setup.called.type), ss7) }
        if let calling = setup.calling {
            calling.digits.withCString {
                isup_set_calling(handle, $0, SS7Numbers.nai(calling.type), SS7Numbers.presentation(calling.presentation),
                                 SS7Numbers.screening(calling.screening))
            }
        }
        if let r = setup.redirecting {
            r.number.digits.withCString {
                isup_set_redirecting_number(handle, $0, SS7Numbers.nai(r.number.type), SS7Numbers.presentation(r.number.presentation),
                                            SS7Numbers.screening(r.number.screening))
            }
        }
        isup_set_tmr(handle, setup.bearer == .audio3_1kHz ? SS7_TMR_3K1_AUDIO : (setup.bearer == .unrestrictedDigital ? SS7_TMR_64K_UNRESTRICTED : SS7_TMR_SPEECH))
        guard isup_iam(ss7, handle) == 0 else {
            isup_free_call(ss7, handle)
            throw CallControlError(what, "libss7 refused the IAM", cause: .temporaryFailure)
        }
        calls[id] = SS7Call(id: id, handle: handle, cic: cic, outgoing: true, setup: setup)
        byHandle[handle] = id
        occupy(cic, by: id)
        // Call control learns the circuit now: an ACM saying the called party is being alerted
        // carries no channel.
        indicate(.proceeding(id, channel: circuits[cic]?.channel))
    }

    /// Dual seizure on a circuit the far end controls (Q.764 2.9.1.4): its call is taken, and
    /// ours is sent again on another circuit once it holds this one. libss7 has parsed the far
    /// end's IAM into our call's structure: that structure becomes the incoming call (what it
    /// still holds of our own IAM is dropped when the call is taken, see `incoming`).
    private func backOff(_ id: CallID, from cic: Int) {
        guard let ss7, let call = calls[id], call.cic == cic, let setup = call.setup else { return }
        calls[id] = nil
        byHandle[call.handle] = nil
        circuits[cic]?.call = nil
        isup_clear_callflags(ss7, call.handle, UInt(ISUP_SENT_IAM | ISUP_PENDING_IAM))
        overtaken[cic] = setup
        if isup_event_iam(ss7, call.handle, Int32(dpc)) != 0 {
            // libss7 gave the structure up: the far end's call is lost to us, the circuit free.
            overtaken[cic] = nil
            report(cic)
        }
        deferred.append { [weak self] in self?.repeatAfterDualSeizure(id, setup, lost: cic, releasing: call.localCause) }
    }

    /// The second half of `backOff`: a call asked for on that circuit alone, or already being
    /// released, ends; any other is sent again on another free circuit (cause 34 without one).
    private func repeatAfterDualSeizure(_ id: CallID, _ setup: CallSetup, lost cic: Int, releasing: Q850Cause?) {
        guard let ss7 else { return }
        if let releasing {
            indicate(.released(id, cause: releasing, by: .local))
            return
        }
        let what = "\(name): dual seizure of CIC \(cic), which the far end controls: its call is taken"
        if setup.channel?.exclusive == true {
            indicate(.protocolError("\(what); ours, for that circuit only, ends"))
            indicate(.released(id, cause: .requestedCircuitNotAvailable, by: .remote))
            return
        }
        indicate(.protocolError("\(what), ours tries again"))
        do throws(CallControlError) {
            guard let other = freeCircuit(except: cic) else {
                throw CallControlError("repeat \(id) after dual seizure on \(name)", "no free circuit", cause: .noCircuitAvailable)
            }
            try seize(other, for: id, setup, ss7)
        } catch {
            indicate(.protocolError("\(name): \(error)"))
            indicate(.released(id, cause: error.cause, by: .system))
        }
    }

    public func requestMoreDigits(_ id: CallID) {}

    public func proceeding(_ id: CallID) {}

    public func alert(_ id: CallID, inbandAudio: Bool) {
        guard let ss7, var call = calls[id], !call.outgoing, !call.answered else { return }
        // libss7's ACM says "no indication" of the called party's status: alerting follows in a CPG.
        if !call.acmSent { isup_acm(ss7, call.handle) }
        isup_cpg(ss7, call.handle, CPG_EVENT_ALERTING)
        call.acmSent = true
        calls[id] = call
    }

    public func progress(_ id: CallID, inbandAudio: Bool) {
        guard let ss7, var call = calls[id], !call.outgoing, !call.answered else { return }
        if !call.acmSent {
            isup_acm(ss7, call.handle)
            call.acmSent = true
            calls[id] = call
        }
        if inbandAudio { isup_cpg(ss7, call.handle, CPG_EVENT_INBANDINFO) }
    }

    public func answer(_ id: CallID) {
        guard let ss7, var call = calls[id], !call.outgoing, !call.answered else { return }
        if call.acmSent { isup_anm(ss7, call.handle) } else { isup_con(ss7, call.handle) }
        call.answered = true
        calls[id] = call
    }

    public func sendDigits(_ id: CallID, _ digits: String) {}

    public func release(_ id: CallID, cause: Q850Cause) {
        guard let ss7, var call = calls[id], call.localCause == nil else { return }
        call.localCause = cause
        calls[id] = call
        isup_rel(ss7, call.handle, Int32(cause.rawValue))
    }

    public func capture(to path: String?) throws(CallControlError) {
        guard let path else {
            for relay in relays { relay.capture = { _, _ in } }
            return
        }
        let writer = try PcapWriter(path: path, linkType: .mtp2)
        for relay in relays {
            relay.capture = { frame, received in
                guard frame.count > 2 else { return }
                writer.write(Array(frame.dropLast(2)), direction: received ? .received : .sent)
            }
        }
    }

    public func maintain(_ action: MaintenanceAction) throws(CallControlError) {
        guard let ss7 else { throw CallControlError("maintenance on \(name)", "the linkset is stopped") }
        func cics(_ channels: [Int]) throws(CallControlError) -> [Int] {
            var out: [Int] = []
            for ch in channels {
                guard let cic = circuits.first(where: { $0.value.channel == ch })?.key else {
                    throw CallControlError("maintenance on \(name)", "channel \(ch) is not a circuit of this linkset")
                }
                out.append(cic)
            }
            return out.sorted()
        }
        switch action {
        case let .block(channels):
            setLocalBlocking(try cics(channels), blocked: true)
        case let .unblock(channels):
            setLocalBlocking(try cics(channels), blocked: false)
        case let .reset(channels):
            let list = try cics(channels)
            for cic in list {
                if let id = circuits[cic]?.call { finish(id, cause: .temporaryFailure, by: .local) }
                circuits[cic]?.resetting = true
                report(cic)
            }
            for range in SS7Numbers.ranges(list) {
                guard let c = isup_new_call(ss7, Int32(range.lowerBound), dpc, 0) else { continue }
                if range.count == 1 { isup_rsc(ss7, c) } else { isup_grs(ss7, c, Int32(range.upperBound)) }
            }
        }
    }

    /// Block or unblock circuits for maintenance: BLO/UBL for a single circuit, CGB/CGU for a run.
    private func setLocalBlocking(_ list: [Int], blocked: Bool) {
        guard let ss7 else { return }
        for cic in list {
            circuits[cic]?.blockedLocally = blocked
            report(cic)
        }
        for range in SS7Numbers.ranges(list) {
            guard let c = isup_new_call(ss7, Int32(range.lowerBound), dpc, 0) else { continue }
            if range.count == 1 {
                _ = blocked ? isup_blo(ss7, c) : isup_ubl(ss7, c)
            } else {
                var state = [UInt8](repeating: 1, count: 255)
                _ = blocked ? isup_cgb(ss7, c, Int32(range.upperBound), &state, 0) : isup_cgu(ss7, c, Int32(range.upperBound), &state, 0)
            }
        }
    }

    public func channelStates() -> [ChannelStatus] {
        circuits.sorted { $0.key < $1.key }.map {
            ChannelStatus(channel: $0.value.channel, availability: $0.value.availability, call: $0.value.call, label: "CIC \($0.key)")
        }
    }

    // MARK: libss7 callbacks

    func libraryHangup(cic: Int, cause: Int, action: Int32) -> Int32 {
        guard let circuit = circuits[cic] else { return SS7_CIC_NOT_EXISTS }
        guard let id = circuit.call, let call = calls[id] else { return SS7_CIC_IDLE }
        if action == SS7_HANGUP_REEVENT_IAM, call.outgoing {
            // Outside libss7, which is still inside the IAM it is asking about.
            deferred.append { [weak self] in self?.backOff(id, from: cic) }
            return SS7_CIC_USED
        }
        let q850 = Q850Cause(rawValue: cause) ?? .temporaryFailure
        deferred.append { [weak self] in
            guard let self, let ss7 = self.ss7 else { return }
            switch action {
            case SS7_HANGUP_SEND_REL: isup_rel(ss7, call.handle, Int32(q850.rawValue))
            case SS7_HANGUP_SEND_RSC: isup_rsc(ss7, call.handle)
            case SS7_HANGUP_SEND_RLC: isup_rlc(ss7, call.handle)
            case SS7_HANGUP_FREE_CALL: isup_free_call(ss7, call.handle)
            default: break
            }
        }
        byHandle[call.handle] = nil
        finish(id, cause: q850, by: .remote)
        return SS7_CIC_USED
    }

    func libraryFreed(_ handle: OpaquePointer) {
        guard let id = byHandle.removeValue(forKey: handle) else { return }
        finish(id, cause: calls[id]?.localCause ?? .temporaryFailure, by: calls[id]?.localCause == nil ? .system : .local)
    }

    // MARK: Events

    private func drainDAHDIEvents(_ relay: SS7LinkRelay) {
        guard let ss7, let channel = channels.first(where: { $0.fileDescriptor == relay.wire }) else { return }
        let fd = relay.library
        while let event = try? channel.nextEvent() {
            switch event {
            case .alarm:
                linksInAlarm.insert(fd)
                relay.linkFailed()
                ss7_link_alarm(ss7, fd)
            case .noAlarm:
                linksInAlarm.remove(fd)
                ss7_link_noalarm(ss7, fd)
            default: break
            }
        }
    }

    private func drainEvents() {
        guard let ss7 else { return }
        // Work libss7's callbacks left for later runs even when no event follows (a dual
        // seizure asks for a hang-up and queues nothing); it may queue events of its own.
        for _ in 0..<256 {
            runDeferred()
            guard let event = ss7_check_event(ss7) else { break }
            dispatch(event)
        }
        runDeferred()
    }

    private func runDeferred() {
        let work = deferred
        deferred.removeAll()
        for w in work { w() }
    }

    private func callID(_ handle: OpaquePointer?) -> CallID? { handle.flatMap { byHandle[$0] } }

    private func dispatch(_ e: UnsafeMutablePointer<ss7_event>) {
        guard let ss7 else { return }
        switch e.pointee.e {
        case SS7_EVENT_UP:
            up = true
            realignAt = nil
            indicate(.link(name: name, up: true))
            resetAll()
        case SS7_EVENT_DOWN:
            up = false
            realignAt = .now + .seconds(2)
            for id in Array(calls.keys) { finish(id, cause: .networkOutOfOrder, by: .system) }
            for cic in circuits.keys {
                circuits[cic]?.inService = false
                circuits[cic]?.resetting = true
                report(cic)
            }
            indicate(.link(name: name, up: false))
        case MTP2_LINK_UP, MTP2_LINK_DOWN:
            log("\(name): signalling link \(e.pointee.e == MTP2_LINK_UP ? "up" : "down")")
        case ISUP_EVENT_GRA:
            let r = e.pointee.gra
            forRange(r.startcic, r.endcic) { cic, i in
                circuits[cic]?.resetting = false
                circuits[cic]?.blockedRemotely = SS7Numbers.status(r.status, i) != 0
                report(cic)
            }
            freeIfClear(r.call)
        case ISUP_EVENT_GRS:
            let r = e.pointee.grs
            var state = [UInt8](repeating: 0, count: 255)
            forRange(r.startcic, r.endcic) { cic, i in
                if let id = circuits[cic]?.call { finish(id, cause: .temporaryFailure, by: .remote) }
                circuits[cic]?.blockedRemotely = false
                circuits[cic]?.resetting = false
                if circuits[cic]?.blockedLocally == true, i < 255 { state[i] = 1 }
                report(cic)
            }
            if let call = r.call {
                isup_gra(ss7, call, r.endcic, &state)
                freeIfClear(call)
            }
        case ISUP_EVENT_RSC:
            let r = e.pointee.rsc
            if let id = circuits[Int(r.cic)]?.call { finish(id, cause: .temporaryFailure, by: .remote) }
            circuits[Int(r.cic)]?.blockedRemotely = false
            circuits[Int(r.cic)]?.resetting = false
            report(Int(r.cic))
            if let call = r.call {
                isup_rlc(ss7, call)
                freeIfClear(call)
            }
        case ISUP_EVENT_IAM:
            incoming(e.pointee.iam)
        case ISUP_EVENT_SAM:
            let s = e.pointee.sam
            if let id = callID(s.call) {
                indicate(.moreDigits(id, digits: PRINumbers.digits(PRINumbers.string(s.called_party_num)), complete: false))
            }
        case ISUP_EVENT_ACM:
            let a = e.pointee.acm
            guard let id = callID(a.call) else { return }
            if a.called_party_status_ind == 1 {
                indicate(.alerting(id, inbandAudio: true))
            } else {
                indicate(.proceeding(id, channel: calls[id].flatMap { circuits[$0.cic]?.channel }))
            }
        case ISUP_EVENT_CPG:
            let c = e.pointee.cpg
            guard let id = callID(c.call) else { return }
            if c.event == UInt8(CPG_EVENT_ALERTING) {
                indicate(.alerting(id, inbandAudio: true))
            } else {
                indicate(.progress(id, inbandAudio: c.event == UInt8(CPG_EVENT_INBANDINFO)))
            }
        case ISUP_EVENT_ANM:
            answered(e.pointee.anm.call)
        case ISUP_EVENT_CON:
            answered(e.pointee.con.call)
        case ISUP_EVENT_REL:
            let r = e.pointee.rel
            guard let call = r.call else { return }
            isup_rlc(ss7, call)
            if let id = callID(call) {
                let ours = calls[id]?.localCause
                byHandle[call] = nil
                finish(id, cause: ours ?? Q850Cause(rawValue: Int(r.cause)) ?? .normalUnspecified, by: ours == nil ? .remote : .local)
            }
            freeIfClear(call)
        case ISUP_EVENT_RLC:
            let r = e.pointee.rlc
            if let id = callID(r.call) {
                byHandle[r.call!] = nil
                finish(id, cause: calls[id]?.localCause ?? .normalClearing, by: .local)
            }
            freeIfClear(r.call)
        case ISUP_EVENT_BLO:
            let b = e.pointee.blo
            circuits[Int(b.cic)]?.blockedRemotely = true
            report(Int(b.cic))
            if let call = b.call {
                isup_bla(ss7, call)
                freeIfClear(call)
            }
        case ISUP_EVENT_UBL:
            let b = e.pointee.ubl
            circuits[Int(b.cic)]?.blockedRemotely = false
            report(Int(b.cic))
            if let call = b.call {
                isup_uba(ss7, call)
                freeIfClear(call)
            }
        case ISUP_EVENT_CGB:
            groupBlocking(e.pointee.cgb, blocked: true)
        case ISUP_EVENT_CGU:
            groupBlocking(e.pointee.cgu, blocked: false)
        case ISUP_EVENT_BLA, ISUP_EVENT_UBA:
            freeIfClear(e.pointee.bla.call)
        case ISUP_EVENT_CGBA:
            freeIfClear(e.pointee.cgba.call)
        case ISUP_EVENT_CGUA:
            freeIfClear(e.pointee.cgua.call)
        case ISUP_EVENT_UCIC:
            let u = e.pointee.ucic
            indicate(.protocolError("\(name): the far end says CIC \(u.cic) is unequipped"))
            if let id = circuits[Int(u.cic)]?.call {
                if let handle = calls[id]?.handle { byHandle[handle] = nil }
                finish(id, cause: .requestedCircuitNotAvailable, by: .remote)
            }
            circuits[Int(u.cic)]?.inService = false
            report(Int(u.cic))
            freeIfClear(u.call)
        default:
            break
        }
    }

    /// The far end blocked (CGB) or unblocked (CGU) a range: mark the circuits its status names,
    /// and acknowledge with the same status (CGBA/CGUA).
    private func groupBlocking(_ r: ss7_event_cicrange, blocked: Bool) {
        guard let ss7 else { return }
        forRange(r.startcic, r.endcic) { cic, i in
            if SS7Numbers.status(r.status, i) != 0 { circuits[cic]?.blockedRemotely = blocked }
            report(cic)
        }
        guard let call = r.call else { return }
        var state = SS7Numbers.statusArray(r.status)
        _ = blocked ? isup_cgba(ss7, call, r.endcic, &state) : isup_cgua(ss7, call, r.endcic, &state)
        freeIfClear(call)
    }

    private func incoming(_ iam: ss7_event_iam) {
        guard let ss7, let handle = iam.call else { return }
        let cic = Int(iam.cic)
        // After a dual seizure the structure may still hold numbers of our own IAM that the far
        // end's did not carry: they are not the caller's.
        let ours = overtaken.removeValue(forKey: cic)
        guard let circuit = circuits[cic] else {
            indicate(.protocolError("\(name): IAM on unknown CIC \(cic), answered with UCIC"))
            isup_ucic(ss7, iam.cic, dpc)
            isup_free_call(ss7, handle)
            return
        }
        if circuit.blockedLocally || circuit.call != nil || !circuit.inService {
            indicate(.protocolError("\(name): IAM on CIC \(cic), which is \(circuit.availability.rawValue): released"))
            isup_rel(ss7, handle, Int32(Q850Cause.temporaryFailure.rawValue))
            return
        }
        let id = CallID.next()
        calls[id] = SS7Call(id: id, handle: handle, cic: cic, outgoing: false)
        byHandle[handle] = id
        occupy(cic, by: id)
        var calling = PRINumbers.digits(PRINumbers.string(iam.calling_party_num))
        if let mine = ours?.calling?.digits, mine == calling { calling = "" }
        // libss7 shows the end-of-pulsing signal (ST) as a trailing '#'.
        var called = PRINumbers.digits(PRINumbers.string(iam.called_party_num))
        if called.hasSuffix("#") { called.removeLast() }
        var redirecting = PRINumbers.digits(PRINumbers.string(iam.redirecting_num))
        if let mine = ours?.redirecting?.number.digits, mine == redirecting { redirecting = "" }
        var setup = CallSetup(
            calling: calling.isEmpty && iam.presentation_ind == 0 ? nil
                : PartyNumber(calling, type: SS7Numbers.type(iam.calling_nai), plan: .isdn,
                              presentation: SS7Numbers.presentation(iam.presentation_ind),
                              screening: SS7Numbers.screening(iam.screening_ind)),
            called: PartyNumber(called, type: SS7Numbers.type(iam.called_nai)),
            bearer: iam.transcap == 0x10 ? .audio3_1kHz : (iam.transcap == 0x08 ? .unrestrictedDigital : .speech),
            channel: ChannelSelection(channel: circuit.channel, exclusive: true),
            numberComplete: true)
        if !redirecting.isEmpty {
            setup.redirecting = RedirectingNumber(
                number: PartyNumber(redirecting, type: SS7Numbers.type(iam.redirecting_num_nai)),
                reason: RedirectingNumber.Reason(rawValue: Int(iam.redirect_info_reas)) ?? .unknown,
                count: Int(iam.redirect_info_counter))
        }
        indicate(.incoming(id, channel: circuit.channel, setup))
    }

    private func answered(_ handle: OpaquePointer?) {
        guard let id = callID(handle), var call = calls[id] else { return }
        call.answered = true
        calls[id] = call
        indicate(.answered(id))
    }

    private func freeIfClear(_ handle: OpaquePointer?) {
        guard let ss7, let handle, byHandle[handle] == nil else { return }
        _ = isup_free_call_if_clear(ss7, handle)
    }

    // MARK: Circuits

    /// GRS over every circuit, in groups of up to 32 contiguous CICs.
    private func resetAll() {
        guard let ss7 else { return }
        for cic in circuits.keys {
            circuits[cic]?.inService = true
            circuits[cic]?.resetting = true
            report(cic)
        }
        for range in SS7Numbers.ranges(circuits.keys.sorted(), maximum: 32) {
            guard let c = isup_new_call(ss7, Int32(range.lowerBound), dpc, 0) else { continue }
            if range.count == 1 { isup_rsc(ss7, c) } else { isup_grs(ss7, c, Int32(range.upperBound)) }
        }
    }

    private func forRange(_ start: Int32, _ end: Int32, _ body: (Int, Int) -> Void) {
        guard start <= end, end - start < 256 else { return }
        for (i, cic) in (Int(start)...Int(end)).enumerated() where circuits[cic] != nil { body(cic, i) }
    }

    private func occupy(_ cic: Int, by id: CallID) {
        circuits[cic]?.call = id
        report(cic)
    }

    private var lastReported: [Int: ChannelAvailability] = [:]

    private func report(_ cic: Int) {
        guard let c = circuits[cic], lastReported[cic] != c.availability else { return }
        lastReported[cic] = c.availability
        indicate(.channelState(channel: c.channel, c.availability))
    }

    private func finish(_ id: CallID, cause: Q850Cause, by: SignallingIndication.Releaser) {
        guard let call = calls.removeValue(forKey: id) else { return }
        byHandle[call.handle] = nil
        if circuits[call.cic]?.call == id {
            circuits[call.cic]?.call = nil
            report(call.cic)
        }
        indicate(.released(id, cause: cause, by: by))
    }
}
