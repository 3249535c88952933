/// Up to 32 DTMF digits carried by value in a command (no heap, no String on the hot path).
public struct DigitString: BitwiseCopyable, Sendable, Equatable {
    public static let capacity = 32
    private var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    public private(set) var count = 0

    /// nil when `text` is empty, too long, or has a character that is not 0-9 * # A-D.
    public init?(_ text: String) {
        let allowed = Set("0123456789*#ABCD".utf8)
        let upper = Array(text.uppercased().utf8)
        guard !upper.isEmpty, upper.count <= Self.capacity, upper.allSatisfy(allowed.contains) else { return nil }
        withUnsafeMutableBytes(of: &bytes) { raw in
            for (i, b) in upper.enumerated() { raw[i] = b }
        }
        count = upper.count
    }

    public static func == (a: DigitString, b: DigitString) -> Bool {
        a.count == b.count && a.bytes == b.bytes
    }

    /// The digits as ASCII bytes, NUL terminated, for C.
    func withCString<R>(_ body: (UnsafePointer<CChar>) -> R) -> R {
        var copy = (bytes, UInt8(0))
        return withUnsafeBytes(of: &copy) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
    }
}

/// How a channel takes part in a conference (a two-party bridge is a conference of two).
public enum MediaRole: BitwiseCopyable, Sendable, Equatable {
    /// Hears everyone and is heard by everyone (caller, agent, a barging supervisor).
    case participant
    /// Hears everyone, heard by no one (a supervisor listening in).
    case listener
    /// Hears everyone, heard only by the channel in slot `target` (a supervisor coaching an agent).
    case whisperer(target: Int32)
    /// Hears only itself, heard by no one (a loopback test of a phone line).
    case echo
}

/// An instruction to a media group about one of its channels. Other layers never touch audio:
/// they send these and read `MediaEvent`s.
public struct MediaCommand: BitwiseCopyable, Sendable {
    /// What to do.
    public enum Action: BitwiseCopyable, Sendable {
        /// Start reading and writing the channel (a call is up on it); resets its DSP state.
        case activate
        /// Stop serving the channel: ends playback, tones, recording and conference membership.
        case deactivate
        case play(LoopReference<PlayRequest>)
        case stopPlayback
        /// Report how far playback has got (answered with a `playPosition` event).
        case queryPlayback
        case playTone(LoopReference<ToneRequest>)
        case stopTone
        case sendDigits(DigitString)
        case record(LoopReference<RecordingSession>)
        case stopRecording
        /// Stop recording and leave the last `lastSamples` sample periods out of the file (WAV):
        /// the key press or the silence that ended a message.
        case stopRecordingDropping(lastSamples: Int32)
        /// Hand the channel's audio both ways to a worker (see `AudioStream`) until `stopStream`.
        case stream(LoopReference<AudioStream>)
        case stopStream
        /// Join conference number `conference` (0 ..< settings.conferences) in `role`.
        case join(conference: Int32, role: MediaRole)
        /// Change the role in the current conference (listen -> whisper -> barge).
        case setRole(MediaRole)
        case leave
        case detectors(MediaDetectors)
        /// Gains in tenths of a dB, applied to received and sent audio.
        case gain(receiveTenthsDB: Int16, transmitTenthsDB: Int16)
        case echoCanceller(on: Bool)
        /// Report (once) when the received audio has been silent this long; 0 stops watching.
        case watchSilence(milliseconds: Int32)

        /// The object the action carries into the loop, retained for it, if any.
        var carried: Unmanaged<AnyObject>? {
            switch self {
            case let .play(r): r.retired
            case let .playTone(r): r.retired
            case let .record(r): r.retired
            case let .stream(r): r.retired
            default: nil
            }
        }
    }

    /// The channel's slot in its group (its index in the group's configuration).
    public let channel: Int32
    public let action: Action

    public init(channel: Int, _ action: Action) {
        self.channel = Int32(truncatingIfNeeded: channel)
        self.action = action
    }
}
