/// A DTMF key seen on a channel: its start, and when it ends, how long it lasted.
public struct DTMFEvent: Sendable, Equatable, BitwiseCopyable {
    /// Key down (reported once the tone has lasted the minimum digit time) or key up.
    public enum Kind: Sendable, Equatable, BitwiseCopyable {
        case began
        /// The key was released after this many samples (8 per ms): the measured tone length.
        case ended(durationSamples: Int)
    }

    /// The key: 0-9, *, #, A-D, as ASCII.
    public let digit: UInt8
    public let kind: Kind
    /// The channel's sample count when it was seen.
    public let sample: UInt64

    public var character: Character { Character(Unicode.Scalar(digit)) }
}
