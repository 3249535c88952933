/// A call-progress tone heard on a line.
public enum CallProgressTone: Sendable, Equatable, BitwiseCopyable {
    case dialTone
    case busy
    case ringback
    case congestion
    /// The ITU-T E.180 special information tone (950, 1400, 1800 Hz), or the zone's own.
    case specialInformation
}

/// A call-progress tone found, and when (the channel's sample count).
public struct CallProgressEvent: Sendable, Equatable, BitwiseCopyable {
    public let tone: CallProgressTone
    public let sample: UInt64
}
