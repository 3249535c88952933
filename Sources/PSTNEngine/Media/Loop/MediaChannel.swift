import CMediaKernels
import Foundation

/// One channel's pipeline inside a media group: G.711, echo canceller, gains, detectors,
/// players, tones, DTMF sending, the recording tap and its place in a conference. All buffers
/// are allocated at creation; the per-chunk methods allocate nothing and are called only by the
/// group's loop.
final class MediaChannel {
    let slot: Int32
    let name: String
    let law: G711
    let chunk: Int
    let fileDescriptor: Int32

    /// The line's bytes: what was read this chunk, and what will be written.
    let lineIn: UnsafeMutablePointer<UInt8>
    let lineOut: UnsafeMutablePointer<UInt8>
    /// Linear audio: as received, after the echo canceller, as sent, and as sent last chunk
    /// (the echo canceller's reference).
    private let received: UnsafeMutablePointer<Int16>
    let clean: UnsafeMutablePointer<Int16>
    let sent: UnsafeMutablePointer<Int16>
    private let reference: UnsafeMutablePointer<Int16>
    /// What was sent, by position in the line's stream (the cushion counts): the echo
    /// canceller's reference is taken from here at the position that was on the line when each
    /// received sample arrived, so the tail covers the line's echo and not the loop's buffering.
    private let history: UnsafeMutablePointer<Int16>
    private let historyMask: Int
    /// Samples written ahead of the received stream (the cushion), 0 without a line.
    private var writeAhead = 0
    private var receivedPosition = 0
    private var sentPosition = 0
    private let scratch: UnsafeMutablePointer<Int16>

    let echoCanceller: EchoCanceller
    /// The canceller's kernel state, kept here so the loop can prefetch it without a hop.
    let echoState: UnsafeMutablePointer<cmk_echo>
    let dtmf: DTMFDetector
    let faxTones: FaxToneDetector
    let callProgress: CallProgressDetector
    let player = PromptPlayer()
    let digitSender = DTMFGenerator(levelDBm0: -10, twistDB: 2, onMilliseconds: 80, offMilliseconds: 80)

    var isActive = false
    /// Silence written once when the channel starts, ahead of the first chunk: the margin that
    /// keeps the line from running dry when a chunk is written a little late.
    let cushion: UnsafeMutablePointer<UInt8>
    var needsCushion = false
    /// Whether the loop flushed the line this pass (no chunk to read until the next).
    var startedThisPass = false
    /// Passes in a row that found no chunk on the line.
    var stalledPasses = 0
    /// Whether this chunk's audio was read (set by the thread that does the line I/O).
    var ready = false
    /// Set when a read met a pending DAHDI event: the signalling side must take it first.
    var eventPending = false
    var detectors: MediaDetectors
    var echoCancellerWanted: Bool
    var receiveGain: Float = 1
    var transmitGain: Float = 1
    var play: LoopReference<PlayRequest>?
    var tone: LoopReference<ToneRequest>?
    var recording: LoopReference<RecordingSession>?
    var stream: LoopReference<AudioStream>?
    var sendingDigits = false
    var silenceWatch = SilenceWatch()
    /// The conference joined (index into the group's pool) and the slot there, or -1.
    var conference: Int32 = -1
    var conferenceSlot = -1
    var role: MediaRole = .participant

    init(slot: Int, configuration: MediaChannelConfiguration, settings: MediaSettings) throws(MediaError) {
        self.slot = Int32(slot)
        name = configuration.name
        law = configuration.law
        chunk = settings.chunkSamples
        fileDescriptor = configuration.line?.fileDescriptor ?? -1
        detectors = settings.detectors
        echoCancellerWanted = settings.echoCancellerOn
        do {
            echoCanceller = try EchoCanceller(settings: EchoCancellerSettings(
                tailMilliseconds: settings.echoTailMilliseconds, nonLinearProcessor: settings.nonLinearProcessor))
        } catch {
            throw MediaError(operation: "creating the echo canceller", subject: configuration.name, reason: error.description)
        }
        echoCanceller.isEnabled = settings.echoCancellerOn
        echoState = echoCanceller.state
        // Each channel's detector blocks end in a different cycle (the slot's chunk, modulo the
        // block): with every channel's on the same cycle, that cycle alone carries all their
        // block-end work and runs long, at 1 ms chunks past its deadline.
        let offset = slot * settings.chunkSamples
        dtmf = DTMFDetector(blockOffset: offset)
        faxTones = FaxToneDetector(blockOffset: offset)
        callProgress = CallProgressDetector(zone: configuration.zone, blockOffset: offset)
        lineIn = .allocate(capacity: chunk)
        lineIn.initialize(repeating: configuration.law.silence, count: chunk)
        cushion = .allocate(capacity: settings.cushionSamples)
        cushion.initialize(repeating: configuration.law.silence, count: settings.cushionSamples)
        lineOut = .allocate(capacity: chunk)
        lineOut.initialize(repeating: configuration.law.silence, count: chunk)
        func buffer() -> UnsafeMutablePointer<Int16> {
            let p = UnsafeMutablePointer<Int16>.allocate(capacity: settings.chunkSamples)
            p.initialize(repeating: 0, count: settings.chunkSamples)
            return p
        }
        received = buffer()
        clean = buffer()
        sent = buffer()
        reference = buffer()
        var size = 1
        while size < settings.cushionSamples + 2 * chunk { size <<= 1 }
        history = .allocate(capacity: size)
        history.initialize(repeating: 0, count: size)
        historyMask = size - 1
        scratch = buffer()
    }

    deinit {
        for p in [received, clean, sent, reference, scratch, history] { p.deallocate() }
        lineIn.deallocate()
        cushion.deallocate()
        lineOut.deallocate()
    }

    /// A call starts on the channel: forget the last call's echo path and audio.
    func activate() {
        isActive = true
        eventPending = false
        needsCushion = fileDescriptor >= 0
        stalledPasses = 0
        echoCanceller.reset()
        echoCanceller.isEnabled = echoCancellerWanted
        silenceWatch.arm(milliseconds: 0)
        history.update(repeating: 0, count: historyMask + 1)
        receivedPosition = 0
        sentPosition = 0
        writeAhead = 0
        sent.update(repeating: 0, count: chunk)
        lineOut.update(repeating: law.silence, count: chunk)
    }

    /// The loop wrote `samples` of silence ahead of the first chunk (the cushion).
    func wroteAhead(_ samples: Int) {
        writeAhead = samples
        sentPosition = samples
    }

    /// First half of a chunk: decode what the line brought, cancel the echo of what we sent last
    /// chunk, apply the receive gain, run the detectors (their findings go to `events`).
    func receive(events: MediaEventSink) {
        let n = chunk
        let lin = UnsafeBufferPointer(start: UnsafePointer(lineIn), count: n)
        law.decode(lin, into: UnsafeMutableBufferPointer(start: received, count: n))
        // The sample on the line when received sample j arrived is sent position j; with less
        // than a chunk written ahead, the newest that exists yet (the echo then lags by the rest).
        let first = receivedPosition - Swift.max(0, n - writeAhead)
        for j in 0..<n {
            let position = first + j
            reference[j] = position >= 0 ? history[position & historyMask] : 0
        }
        receivedPosition += n
        echoCanceller.process(reference: UnsafeBufferPointer(start: reference, count: n),
                              received: UnsafeBufferPointer(start: received, count: n),
                              output: UnsafeMutableBufferPointer(start: clean, count: n))
        if receiveGain != 1 { Self.applyGain(receiveGain, clean, n) }
        let audio = UnsafeBufferPointer(start: UnsafePointer(clean), count: n)
        stream?.borrow { $0.deliver(audio) }
        if silenceWatch.isArmed, silenceWatch.feed(audio) {
            events.post(slot, .silence(milliseconds: Int32(clamping: silenceWatch.limit / 8)))
        }
        if detectors.contains(.dtmf) {
            dtmf.process(audio)
            while let e = dtmf.nextEvent() { report(e, events) }
        }
        if detectors.contains(.faxTones) {
            faxTones.process(audio)
            while let e = faxTones.nextEvent() {
                events.post(slot, .faxTone(e.tone))
                if e.tone.disablesEchoCanceller && echoCanceller.isEnabled {
                    echoCanceller.isEnabled = false
                    events.post(slot, .echoCancellerDisabled)
                }
            }
        }
        if detectors.contains(.callProgress) {
            callProgress.process(audio)
            while let e = callProgress.nextEvent() { events.post(slot, .callProgress(e.tone)) }
        }
    }

    private func report(_ e: DTMFEvent, _ events: MediaEventSink) {
        switch e.kind {
        case .began:
            events.post(slot, .dtmfBegan(digit: e.digit))
            if let p = play, player.keyPressed() {
                events.post(slot, .playFinished(id: p.object.id, samples: Int32(clamping: player.position), reason: .dtmf))
                events.retire(p.retired)
                play = nil
            }
        case let .ended(durationSamples):
            events.post(slot, .dtmf(digit: e.digit, milliseconds: Int32(clamping: durationSamples / 8)))
        }
    }

    /// Second half: compose what goes out (conference audio plus prompt, tone and digits, or
    /// only the stream's audio while a worker streams),
    /// apply the transmit gain, feed the recording tap, encode, and keep it for the echo canceller.
    func transmit(conferenceAudio: UnsafeBufferPointer<Int16>?, events: MediaEventSink) {
        let n = chunk
        if let c = conferenceAudio {
            for i in 0..<n { sent[i] = c[i] }
        } else {
            sent.update(repeating: 0, count: n)
        }
        let out = UnsafeMutableBufferPointer(start: scratch, count: n)
        if let p = play {
            let got = player.render(into: out)
            mix(got)
            if !player.isPlaying {
                events.post(slot, .playFinished(id: p.object.id, samples: Int32(clamping: player.position), reason: .completed))
                events.retire(p.retired)
                play = nil
            }
        }
        if let t = tone {
            let finished = t.borrow { request in
                mix(request.generator.render(into: out))
                return request.generator.isFinished
            }
            if finished {
                events.post(slot, .toneFinished(id: t.object.id))
                events.retire(t.retired)
                tone = nil
            }
        }
        if sendingDigits {
            let got = digitSender.render(into: out)
            mix(got)
            if got < n { sendingDigits = false }
        }
        if let s = stream {
            s.borrow { $0.take(into: UnsafeMutableBufferPointer(start: sent, count: n)) }
        }
        if transmitGain != 1 { Self.applyGain(transmitGain, sent, n) }
        recording?.borrow {
            $0.append(received: UnsafeBufferPointer(start: clean, count: n), sent: UnsafeBufferPointer(start: sent, count: n))
        }
        law.encode(UnsafeBufferPointer(start: sent, count: n), into: UnsafeMutableBufferPointer(start: lineOut, count: n))
        for j in 0..<n { history[(sentPosition + j) & historyMask] = sent[j] }
        sentPosition += n
    }

    /// Add the first `count` samples of the scratch buffer to what is being sent, saturating.
    private func mix(_ count: Int) {
        for i in 0..<count { sent[i] = sent[i].addingSaturating(scratch[i]) }
    }

    private static func applyGain(_ gain: Float, _ audio: UnsafeMutablePointer<Int16>, _ n: Int) {
        for i in 0..<n {
            let v = Float(audio[i]) * gain
            audio[i] = Int16(Swift.max(-32768, Swift.min(32767, v)))
        }
    }
}

extension Int16 {
    @inline(__always)
    func addingSaturating(_ other: Int16) -> Int16 {
        Int16(clamping: Int32(self) + Int32(other))
    }
}
