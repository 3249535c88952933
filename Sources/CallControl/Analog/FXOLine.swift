import PSTNEngine

/// An FXO port's calls: rings in with caller ID (FSK between the first and second ring, or DTMF
/// before the first), answer by going off-hook, disconnect on battery loss or polarity reversal;
/// out by seizing the line, waiting for dial tone and dialling in DTMF.
final class FXOLine: AnalogLineMachine {
    private enum State {
        case idle
        /// Rings coming in; `call` is set once `.incoming` was indicated.
        case ringing(call: CallID?)
        /// Released by us while still ringing: the rings are let run out.
        case ignoringRings
        /// Off-hook for an outgoing call, waiting for dial tone.
        case seizing(CallID, digits: String, giveUpAt: ContinuousClock.Instant)
        case dialling(CallID)
        /// Dialled; waiting for the polarity reversal that says answered.
        case awaitingAnswer(CallID)
        case answered(CallID)
    }

    let channelNumber: Int
    private let options: FXOLineOptions
    private(set) var io: AnalogLineIO?
    private var indicate: (SignallingIndication) -> Void = { _ in }
    private var state = State.idle
    private var rings: RingCadenceTracker
    private var dtmf: DTMFDetector?
    private var callerIDDigits = ""
    private var lastCallerIDDigit: ContinuousClock.Instant?
    private var fsk: FSKCallerIDReceiver?
    private var callerID: CallerID?
    private var progressTones: CallProgressDetector?

    init(channel: Int, options: FXOLineOptions) {
        channelNumber = channel
        self.options = options
        rings = RingCadenceTracker(abandonAfter: options.ringAbandonAfter)
    }

    var call: CallID? {
        switch state {
        case .idle, .ignoringRings: return nil
        case let .ringing(call): return call
        case let .seizing(call, _, _), let .dialling(call), let .awaitingAnswer(call), let .answered(call): return call
        }
    }

    var isIdle: Bool { if case .idle = state { return true } else { return false } }
    var availability: ChannelAvailability { isIdle ? .idle : .inUse }
    var label: String { "fxo \(channelNumber)" }

    func start(io: AnalogLineIO, indicate: @escaping (SignallingIndication) -> Void) throws(CallControlError) {
        self.io = io
        self.indicate = indicate
        try? io.channel.hook(.onHook)
        goIdle()
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
        let now = ContinuousClock.now
        switch (event, state) {
        case (.ringBegin, .idle):
            rings.reset()
            rings.ringBegan(at: now)
            state = .ringing(call: nil)
            if options.callerID == .dtmf {
                takeDTMFCallerID(at: now)
                dtmf = nil
                io?.stopListening()
                offer()
            } else if options.callerID == .none {
                offer()
            } else {
                io?.stopListening()
            }
        case (.ringBegin, .ringing(let call)):
            rings.ringBegan(at: now)
            fsk = nil
            io?.stopListening()
            if call == nil { offer() }
        case (.ringOffHook, .ringing(let call)):
            rings.ringEnded(at: now)
            if call == nil, rings.ringsEnded == 1, let receiver = FSKCallerIDReceiver(signalling: options.callerID) {
                fsk = receiver
                try? io?.listen()
            }
        case (.ringBegin, .ignoringRings):
            rings.ringBegan(at: now)
        case (.ringOffHook, .ignoringRings):
            rings.ringEnded(at: now)
        case (.onHook, .answered(let call)), (.onHook, .awaitingAnswer(let call)),
             (.onHook, .dialling(let call)), (.onHook, .seizing(let call, _, _)):
            // Battery loss: the far end hung up (or the line went dead before the call was up).
            farEndGone(call, cause: isAnswered ? .normalClearing : .networkOutOfOrder)
        case (.polarity, .awaitingAnswer(let call)):
            answered(call)
        case (.polarity, .answered(let call)) where options.hangUpOnPolarityReversal:
            farEndGone(call, cause: .normalClearing)
        case (.alarm, _):
            if let call { farEndGone(call, cause: .networkOutOfOrder) }
        default:
            break
        }
    }

    private var isAnswered: Bool { if case .answered = state { return true } else { return false } }

    private func audio(_ samples: UnsafeBufferPointer<Int16>) {
        if let dtmf {
            dtmf.process(samples)
            while let event = dtmf.nextEvent() {
                if case .began = event.kind { callerIDDigit(event.character) }
            }
        }
        if let fsk {
            fsk.process(samples)
            if let message = fsk.nextMessage() { fskMessage(message) }
        }
        if let progressTones {
            progressTones.process(samples)
            while let event = progressTones.nextEvent() { heard(event.tone) }
        }
    }

    private func sourceFinished() {
        guard case let .dialling(call) = state else { return }
        indicate(.proceeding(call, channel: channelNumber))
        if options.answerOnPolarityReversal {
            state = .awaitingAnswer(call)
        } else {
            answered(call)
        }
    }

    private func heard(_ tone: CallProgressTone) {
        switch (tone, state) {
        case (.dialTone, .seizing(let call, let digits, _)):
            state = .dialling(call)
            let generator = DTMFGenerator(onMilliseconds: options.dtmfOnMilliseconds,
                                          offMilliseconds: options.dtmfOnMilliseconds)
            guard generator.queue(digits) else {
                hangUp(call, cause: .invalidNumberFormat, by: .local)
                return
            }
            do {
                // The digits must be on the wire, not in the driver's buffers, when the media
                // engine takes the line and flushes them: follow them with the buffers' depth of silence.
                try io?.play(TrailingSilence(generator, samples: AnalogLineIO.bufferCount * AnalogLineIO.chunkSamples + 160))
            } catch {
                hangUp(call, cause: .temporaryFailure, by: .local)
            }
        case (.busy, .awaitingAnswer(let call)):
            farEndGone(call, cause: .userBusy)
        case (.congestion, .awaitingAnswer(let call)), (.specialInformation, .awaitingAnswer(let call)):
            farEndGone(call, cause: .switchingEquipmentCongestion)
        case (.busy, .answered(let call)), (.congestion, .answered(let call)):
            farEndGone(call, cause: .normalClearing)
        default:
            break
        }
    }

    // MARK: Caller ID

    private func callerIDDigit(_ digit: Character) {
        guard isIdle else { return }
        let now = ContinuousClock.now
        // Digits long before this one belong to something else.
        if let last = lastCallerIDDigit, now - last > .seconds(3) { callerIDDigits = "" }
        lastCallerIDDigit = now
        if callerIDDigits.count < DTMFCallerID.maximumLength { callerIDDigits.append(digit) }
    }

    private func takeDTMFCallerID(at now: ContinuousClock.Instant) {
        defer {
            callerIDDigits = ""
            lastCallerIDDigit = nil
        }
        guard !callerIDDigits.isEmpty, let last = lastCallerIDDigit, now - last < .seconds(5) else { return }
        do {
            callerID = try DTMFCallerID.parse(callerIDDigits)
        } catch {
            indicate(.protocolError("\(label): \(error.description); the call is offered without a number"))
        }
    }

    private func fskMessage(_ message: [UInt8]) {
        guard case .ringing(nil) = state else { return }
        fsk = nil
        io?.stopListening()
        do {
            callerID = try FSKCallerIDMessage.parse(message)
        } catch {
            indicate(.protocolError("\(label): \(error.description); the call is offered without a number"))
        }
        offer()
    }

    private func offer() {
        let call = CallID.next()
        state = .ringing(call: call)
        let setup = CallSetup(calling: callerID?.callingParty, called: PartyNumber(options.lineNumber ?? ""),
                              callingName: callerID?.name, channel: ChannelSelection(channel: channelNumber, exclusive: true))
        callerID = nil
        indicate(.incoming(call, channel: channelNumber, setup))
    }

    // MARK: Timers

    var deadline: ContinuousClock.Instant? {
        switch state {
        case .ringing, .ignoringRings: return rings.abandonDeadline
        case let .seizing(_, _, giveUpAt): return giveUpAt
        default: return nil
        }
    }

    func runTimers(now: ContinuousClock.Instant) {
        switch state {
        case .ringing(let call) where rings.isAbandoned(at: now):
            if let call {
                indicate(.released(call, cause: .normalClearing, by: .remote))
            } else {
                indicate(.protocolError("\(label): rings stopped before the call could be offered"))
            }
            goIdle()
        case .ignoringRings where rings.isAbandoned(at: now):
            goIdle()
        case let .seizing(call, _, giveUpAt) where now >= giveUpAt:
            hangUp(call, cause: .networkOutOfOrder, by: .system)
        default:
            break
        }
    }

    // MARK: Requests

    func place(_ call: CallID, _ setup: CallSetup) throws(CallControlError) {
        let digits = setup.called.digits
        guard isIdle else {
            throw CallControlError("place \(call) to \(digits) on \(label)", "the line is in use", cause: .noCircuitAvailable)
        }
        guard !digits.isEmpty, DTMFGenerator().queue(digits) else {
            throw CallControlError("place \(call) to \(digits) on \(label)", "the number cannot be dialled in DTMF",
                                   cause: .invalidNumberFormat)
        }
        guard let io else { throw CallControlError("place \(call) on \(label)", "the line is not started") }
        do {
            try io.channel.hook(.offHook)
            io.stopListening()
            try io.listen()
        } catch {
            try? io.channel.hook(.onHook)
            throw CallControlError("seize \(label) for \(call)", error.description, cause: .temporaryFailure)
        }
        dtmf = nil
        progressTones = CallProgressDetector(zone: options.zone)
        state = .seizing(call, digits: digits, giveUpAt: .now + options.dialToneTimeout)
    }

    func alert(inbandAudio: Bool) {}
    func progress(inbandAudio: Bool) {}

    func answer() {
        guard case let .ringing(call?) = state, let io else { return }
        do {
            try io.channel.hook(.offHook)
        } catch {
            hangUp(call, cause: .temporaryFailure, by: .local)
            return
        }
        answered(call)
    }

    func sendDigits(_ digits: String) {
        // Digits during the call are media: the engine's DTMF generator plays them once answered.
        guard case .dialling = state, let io else { return }
        let generator = DTMFGenerator(onMilliseconds: options.dtmfOnMilliseconds, offMilliseconds: options.dtmfOnMilliseconds)
        if generator.queue(digits) { try? io.play(generator) }
    }

    func release(cause: Q850Cause) {
        guard let call else { return }
        if case .ringing = state {
            // An analog line cannot refuse a call: let it ring out.
            indicate(.released(call, cause: cause, by: .local))
            state = .ignoringRings
            return
        }
        hangUp(call, cause: cause, by: .local)
    }

    func stop(cause: Q850Cause) {
        if let call { indicate(.released(call, cause: cause, by: .system)) }
        try? io?.channel.hook(.onHook)
        io?.stopListening()
        state = .idle
    }

    // MARK: Transitions

    private func answered(_ call: CallID) {
        state = .answered(call)
        fsk = nil
        dtmf = nil
        if options.hangUpOnBusyToneWhenAnswered {
            progressTones = CallProgressDetector(zone: options.zone)
            try? io?.play(nil)
        } else {
            progressTones = nil
            io?.stopListening()
        }
        indicate(.answered(call))
    }

    private func farEndGone(_ call: CallID, cause: Q850Cause) {
        hangUp(call, cause: cause, by: .remote)
    }

    private func hangUp(_ call: CallID, cause: Q850Cause, by releaser: SignallingIndication.Releaser) {
        try? io?.channel.hook(.onHook)
        indicate(.released(call, cause: cause, by: releaser))
        goIdle()
    }

    private func goIdle() {
        state = .idle
        rings.reset()
        fsk = nil
        progressTones = nil
        callerID = nil
        callerIDDigits = ""
        lastCallerIDDigit = nil
        io?.stopListening()
        if options.callerID == .dtmf {
            // DTMF caller ID comes before any ring: an idle line listens for it.
            dtmf = DTMFDetector()
            try? io?.listen()
        } else {
            dtmf = nil
        }
    }
}
