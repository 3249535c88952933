import PSTNEngine

/// An FXS port's calls: the far end (a phone, or the engine's FXO port) goes off-hook, hears
/// dial tone and dials in DTMF -> `.incoming` with the digits as soon as the dial plan says they
/// are a whole number (else on `#`, the inter-digit timeout or the longest number); out by
/// ringing it with a cadence
/// and caller ID (DTMF before the first ring, or FSK after it) until it goes off-hook.
final class FXSLine: AnalogLineMachine {
    private enum State {
        case idle
        /// Off-hook, dial tone, digits being collected; no call yet.
        case collecting(DigitCollector)
        /// Incoming call indicated, waiting for call control.
        case offered(CallID)
        /// Sending DTMF caller ID; rings once done.
        case sendingCallerID(CallID)
        /// Ringing the far end for an outgoing call.
        case ringing(CallID, ringsEnded: Int)
        case answered(CallID)
        /// The call is gone but the far end is still off-hook: a tone or a disconnect signal
        /// until it hangs up.
        case disconnected
    }

    let channelNumber: Int
    private let options: FXSLineOptions
    private(set) var io: AnalogLineIO?
    private var indicate: (SignallingIndication) -> Void = { _ in }
    private var state = State.idle
    private var dtmf: DTMFDetector?
    /// Whether dialled digits are a whole number yet: call control's routing.
    private var settles: (String) -> Bool = { _ in false }
    private var outgoingCallerID: CallerID?
    private var polarityReversed = false
    /// When the first ring starts after DTMF caller ID: once the driver has played it out.
    private var ringAfterCallerIDAt: ContinuousClock.Instant?

    init(channel: Int, options: FXSLineOptions) {
        channelNumber = channel
        self.options = options
    }

    var call: CallID? {
        switch state {
        case .idle, .collecting, .disconnected: return nil
        case let .offered(call), let .sendingCallerID(call), let .ringing(call, _), let .answered(call): return call
        }
    }

    var isIdle: Bool { if case .idle = state { return true } else { return false } }
    var availability: ChannelAvailability { isIdle ? .idle : .inUse }
    var label: String { "fxs \(channelNumber)" }

    func start(io: AnalogLineIO, indicate: @escaping (SignallingIndication) -> Void) throws(CallControlError) {
        self.io = io
        self.indicate = indicate
        try? io.channel.hook(.ringOff)
        try? io.channel.setPolarity(reversed: false)
        if (try? io.channel.parameters().receiveOffHook) == true {
            // Off-hook already (a phone left off the hook): treat it as a fresh pick-up.
            farEndOffHook()
        }
    }

    // MARK: Events and audio

    func handle(events: Int16) {
        guard let io else { return }
        for event in io.events() { handle(event) }
        if io.listening {
            let clean = io.pump(received: { audio($0) }, finished: { sourceFinished() })
            if !clean { for event in io.events() { handle(event) } }
        }
    }

    private func handle(_ event: ChannelEvent) {
        switch (event, state) {
        case (.ringOffHook, .idle):
            farEndOffHook()
        case (.ringOffHook, .ringing(let call, _)), (.ringOffHook, .sendingCallerID(let call)):
            try? io?.channel.hook(.offHook)
            state = .answered(call)
            outgoingCallerID = nil
            io?.stopListening()
            indicate(.answered(call))
        case (.ringerOff, .ringing(let call, let ended)):
            state = .ringing(call, ringsEnded: ended + 1)
            if ended == 0, let callerID = outgoingCallerID,
               let fsk = FSKCallerIDTransmitter(callerID, signalling: options.callerID) {
                try? io?.play(fsk)
            }
        case (.winkFlash, .answered(let call)):
            indicate(.flash(call))
        case (.onHook, _):
            farEndOnHook()
        case (.alarm, _):
            if let call { indicate(.released(call, cause: .networkOutOfOrder, by: .system)) }
            quiet()
        default:
            break
        }
    }

    private func audio(_ samples: UnsafeBufferPointer<Int16>) {
        guard let dtmf else { return }
        dtmf.process(samples)
        while let event = dtmf.nextEvent() {
            guard case .began = event.kind, case var .collecting(collector) = state else { continue }
            if collector.digits.isEmpty { try? io?.play(nil) } // dial tone stops at the first digit
            collector.add(event.character, at: .now)
            if settles(collector.digits) { collector.settle() }
            state = .collecting(collector)
            collected()
        }
    }

    private func sourceFinished() {
        guard case .sendingCallerID = state else { return }
        // The last chunks are still in the driver's buffers.
        ringAfterCallerIDAt = .now + .milliseconds(AnalogLineIO.bufferCount * 20 + 100)
    }

    // MARK: Dialling from the far end

    func useDialPlan(_ settles: @escaping (String) -> Bool) {
        self.settles = settles
    }

    private func farEndOffHook() {
        guard let io else { return }
        dtmf = DTMFDetector()
        state = .collecting(DigitCollector(startingAt: .now, firstDigitTimeout: options.firstDigitTimeout,
                                           interDigitTimeout: options.interDigitTimeout,
                                           maximumLength: options.maximumDigits, terminator: options.terminator))
        do {
            try io.play(options.zone.generator(for: .dial))
        } catch {
            indicate(.protocolError("\(label): cannot play dial tone: \(error.description)"))
        }
    }

    private func collected() {
        guard case let .collecting(collector) = state else { return }
        switch collector.outcome {
        case .collecting:
            break
        case .timedOut:
            dtmf = nil
            disconnect(tone: .congestion)
        case let .complete(digits):
            dtmf = nil
            let call = CallID.next()
            state = .offered(call)
            let calling = options.ownNumber.flatMap { $0.isEmpty ? nil : PartyNumber($0) }
            indicate(.incoming(call, channel: channelNumber,
                               CallSetup(calling: calling, called: PartyNumber(digits),
                                         channel: ChannelSelection(channel: channelNumber, exclusive: true))))
        }
    }

    private func farEndOnHook() {
        if let call {
            if case .sendingCallerID = state { return } // an on-hook phone: nothing changed
            if case .ringing = state { return }
            indicate(.released(call, cause: .normalClearing, by: .remote))
        }
        quiet()
    }

    // MARK: Timers

    var deadline: ContinuousClock.Instant? {
        switch state {
        case let .collecting(collector): return collector.deadline
        case .sendingCallerID: return ringAfterCallerIDAt
        default: return nil
        }
    }

    func runTimers(now: ContinuousClock.Instant) {
        if case let .sendingCallerID(call) = state, let due = ringAfterCallerIDAt, now >= due {
            ringAfterCallerIDAt = nil
            ring(call)
            return
        }
        guard case var .collecting(collector) = state else { return }
        collector.timerFired(at: now)
        state = .collecting(collector)
        collected()
    }

    // MARK: Requests

    func place(_ call: CallID, _ setup: CallSetup) throws(CallControlError) {
        guard isIdle, let io else {
            throw CallControlError("ring \(label) for \(call)", "the line is in use", cause: .userBusy)
        }
        if (try? io.channel.parameters().receiveOffHook) == true {
            throw CallControlError("ring \(label) for \(call)", "the phone is off-hook", cause: .userBusy)
        }
        let callerID = CallerID(setup: setup)
        outgoingCallerID = options.callerID == .none ? nil : callerID
        do {
            try io.channel.setRingCadence(options.ringCadence ?? options.zone.ringCadence)
        } catch {
            throw CallControlError("set the ring cadence of \(label) for \(call)", error.description)
        }
        if options.callerID == .dtmf {
            let generator = DTMFGenerator()
            if generator.queue(DTMFCallerID.encode(callerID)) {
                state = .sendingCallerID(call)
                do {
                    try io.play(generator)
                    indicate(.proceeding(call, channel: channelNumber))
                    return
                } catch {
                    state = .idle
                }
            }
        }
        indicate(.proceeding(call, channel: channelNumber))
        ring(call)
    }

    private func ring(_ call: CallID) {
        do {
            try io?.channel.hook(.ring)
        } catch {
            indicate(.released(call, cause: .destinationOutOfOrder, by: .system))
            quiet()
            return
        }
        if case .sendingCallerID = state { io?.stopListening() }
        state = .ringing(call, ringsEnded: 0)
        indicate(.alerting(call, inbandAudio: false))
    }

    func alert(inbandAudio: Bool) {
        guard case .offered = state else { return }
        try? io?.play(options.zone.generator(for: .ringback))
    }

    func progress(inbandAudio: Bool) {
        // In-band information comes from the media engine: hand the audio over.
        guard case .offered = state, inbandAudio else { return }
        io?.stopListening()
    }

    func answer() {
        guard case let .offered(call) = state else { return }
        if options.reversePolarityOnAnswer {
            try? io?.channel.setPolarity(reversed: true)
            polarityReversed = true
        }
        state = .answered(call)
        io?.stopListening()
        indicate(.answered(call))
    }

    func sendDigits(_ digits: String) {}

    func release(cause: Q850Cause) {
        guard let call else { return }
        switch state {
        case .ringing, .sendingCallerID:
            try? io?.channel.hook(.ringOff)
            indicate(.released(call, cause: cause, by: .local))
            quiet()
        default:
            indicate(.released(call, cause: cause, by: .local))
            disconnect(tone: Self.tone(for: cause))
        }
    }

    func stop(cause: Q850Cause) {
        if let call { indicate(.released(call, cause: cause, by: .system)) }
        try? io?.channel.hook(.ringOff)
        quiet()
    }

    // MARK: Transitions

    /// Busy for a normal end, congestion for failures.
    static func tone(for cause: Q850Cause) -> ZoneTone {
        cause.causeClass == .normal ? .busy : .congestion
    }

    /// Tell the off-hook far end the call is over, and wait for it to hang up.
    private func disconnect(tone: ZoneTone) {
        state = .disconnected
        dtmf = nil
        switch options.disconnectSignal {
        case .tone:
            try? io?.play(options.zone.generator(for: tone) ?? options.zone.generator(for: .busy))
        case .batteryDrop:
            io?.stopListening()
            try? io?.channel.hook(.onHook)
        case .polarityReversal:
            io?.stopListening()
            polarityReversed.toggle()
            try? io?.channel.setPolarity(reversed: polarityReversed)
        }
    }

    /// Back to idle: nothing playing, normal polarity.
    private func quiet() {
        state = .idle
        dtmf = nil
        outgoingCallerID = nil
        ringAfterCallerIDAt = nil
        io?.stopListening()
        if polarityReversed {
            try? io?.channel.setPolarity(reversed: false)
            polarityReversed = false
        }
    }
}
