/// Acceptance limits for DTMF reception. ITU-T Q.24 fixes the frequency limits and leaves timing,
/// twist and level to each administration; the defaults use the widely quoted North American
/// (Bellcore/ANSI) receiver values for those:
///
/// | Item                 | must be accepted   | must be rejected        | decision (default)        |
/// |----------------------|--------------------|-------------------------|---------------------------|
/// | frequency deviation  | ±1.5% (+2 Hz)      | ±3.5%                   | ±2.0%                     |
/// | normal twist         | 8 dB               | (beyond 8 dB)           | 8 dB                      |
/// | reverse twist        | 4 dB               | (beyond 4 dB)           | 4 dB                      |
/// | level per tone       | down to -25 dBm0   | below -55 dBm0          | -36 dBm0                  |
/// | tone duration        | 40 ms              | 23 ms or less           | 30 ms                     |
/// | pause between digits | 40 ms              | interruptions ≤ 10 ms   | 25 ms                     |
///
/// Each field is the decision point itself: inside it a signal is accepted, beyond it rejected.
/// Values outside a sensible range are clamped when a detector is made.
public struct DTMFLimits: Sendable, Equatable {
    /// Largest accepted level difference with the high-group tone weaker, in dB.
    public var normalTwistDB = 8
    /// Largest accepted level difference with the high-group tone stronger, in dB.
    public var reverseTwistDB = 4
    /// Weakest accepted tone, in dBm0 (each of the two tones must reach it).
    public var thresholdDBm0 = -36
    /// Notch out dial tone underneath the digits (350 + 440 Hz).
    public var filterDialTone = false
    /// Largest accepted deviation of either tone from its nominal frequency, in percent. 2.0 keeps
    /// a margin of 0.5% (more than the receiver's measurement error at 10 dB SNR) above Q.24's
    /// ±1.5%, and rejects the equal-tempered G#5 (830.6 Hz, -2.5% from 852 Hz) that music plays.
    public var frequencyTolerancePercent = 2.0
    /// Shortest tone accepted as a digit, in ms: between the 23 ms that must be ignored and the
    /// 40 ms that must be recognised; the receiver measures tone length within about ±4 ms.
    public var minimumDigitMilliseconds = 30
    /// Shortest silence that separates two digits, in ms; shorter interruptions (a 10 ms dropout
    /// must be bridged) keep the digit going. Must lie below the 40 ms pause Q.24 recognises.
    public var minimumPauseMilliseconds = 25

    public init() {}
}
