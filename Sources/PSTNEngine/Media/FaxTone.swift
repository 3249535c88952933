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
