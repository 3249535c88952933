import CSpanDSP

/// A fax or modem tone heard on a channel: what switches a call to fax, and what turns the
/// echo canceller off.
public enum FaxTone: Sendable, Equatable, BitwiseCopyable {
    /// CNG: the calling fax machine's 1100 Hz beeps.
    case calling
    /// CED/ANS: the answering fax's 2100 Hz tone.
    case answer
    /// ANS with phase reversals (G.165/G.168 echo canceller disabling tone).
    case answerWithPhaseReversals
    /// ANSam, with or without phase reversals (V.8 modems).
    case answerAmplitudeModulated(phaseReversals: Bool)
    /// The V.21 HDLC preamble of T.30: a fax already talking.
    case v21Preamble

    /// Whether the echo canceller must be off for this call from now on.
    public var disablesEchoCanceller: Bool { true }

    init?(spandsp code: Int32) {
        switch Int(code) {
        case Int(MODEM_CONNECT_TONES_FAX_CNG): self = .calling
        case Int(MODEM_CONNECT_TONES_ANS): self = .answer
        case Int(MODEM_CONNECT_TONES_ANS_PR): self = .answerWithPhaseReversals
        case Int(MODEM_CONNECT_TONES_ANSAM): self = .answerAmplitudeModulated(phaseReversals: false)
        case Int(MODEM_CONNECT_TONES_ANSAM_PR): self = .answerAmplitudeModulated(phaseReversals: true)
        case Int(MODEM_CONNECT_TONES_FAX_PREAMBLE): self = .v21Preamble
        default: return nil
        }
    }
}

/// A tone found, and when (the channel's sample count).
public struct FaxToneEvent: Sendable, Equatable, BitwiseCopyable {
    public let tone: FaxTone
    public let sample: UInt64
}

/// Listens for CNG, CED/ANS (with or without phase reversals and AM) and the V.21 preamble
/// (spandsp's modem connect tone receivers). Allocates at creation only.
public final class FaxToneDetector {
    public static let capacity = 8
    private let calling: OpaquePointer
    private let answering: OpaquePointer
    private let preamble: OpaquePointer
    private var events = FixedRing(capacity: FaxToneDetector.capacity, filler: FaxToneEvent(tone: .calling, sample: 0))
    private var samples: UInt64 = 0
    /// Bit n set: tone code n was already reported.
    private var reported: UInt32 = 0

    public init() {
        calling = modem_connect_tones_rx_init(nil, Int32(MODEM_CONNECT_TONES_FAX_CNG), nil, nil)
        answering = modem_connect_tones_rx_init(nil, Int32(MODEM_CONNECT_TONES_ANSAM_PR), nil, nil)
        preamble = modem_connect_tones_rx_init(nil, Int32(MODEM_CONNECT_TONES_FAX_PREAMBLE), nil, nil)
    }

    deinit {
        modem_connect_tones_rx_free(calling)
        modem_connect_tones_rx_free(answering)
        modem_connect_tones_rx_free(preamble)
        events.release()
    }

    /// Feed linear samples.
    public func process(_ audio: UnsafeBufferPointer<Int16>) {
        guard let base = audio.baseAddress, !audio.isEmpty else { return }
        samples &+= UInt64(audio.count)
        listen(calling, base, audio.count)
        listen(answering, base, audio.count)
        listen(preamble, base, audio.count)
    }

    private func listen(_ receiver: OpaquePointer, _ base: UnsafePointer<Int16>, _ count: Int) {
        _ = modem_connect_tones_rx(receiver, base, Int32(count))
        let code = modem_connect_tones_rx_get(receiver)
        // Each tone is reported once per call; the receivers latch what they found.
        guard let tone = FaxTone(spandsp: code), code < 32, reported & (1 << UInt32(code)) == 0 else { return }
        reported |= 1 << UInt32(code)
        events.push(FaxToneEvent(tone: tone, sample: samples))
    }

    /// Take the oldest tone found and not yet taken.
    public func nextEvent() -> FaxToneEvent? { events.pop() }
}
