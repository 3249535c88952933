/// What a media group reports about a channel: digits, tones, playback, recording, problems.
public struct MediaEvent: BitwiseCopyable, Sendable, Equatable {
    /// What happened.
    public enum Kind: BitwiseCopyable, Sendable, Equatable {
        /// A DTMF key went down (barge-in reacts to this).
        case dtmfBegan(digit: UInt8)
        /// A DTMF key was released after `milliseconds`.
        case dtmf(digit: UInt8, milliseconds: Int32)
        case faxTone(FaxTone)
        case callProgress(CallProgressTone)
        /// The echo canceller turned itself off because of a fax or modem tone.
        case echoCancellerDisabled
        /// A play request ended: played out, stopped, replaced, or cut by a key.
        case playFinished(id: Int32, samples: Int32, reason: PlayEnd)
        case playPosition(id: Int32, samples: Int32)
        case toneFinished(id: Int32)
        /// The recording has no more audio coming; the writer closes the file (`RecordingClosed`).
        case recordingFinished(id: Int32, droppedSamples: Int32)
        /// The received audio has been silent for the length `watchSilence` asked for.
        case silence(milliseconds: Int32)
        /// The loop missed its deadline; `total` misses so far on this thread.
        case deadlineMissed(total: Int32)
        /// A command could not be carried out.
        case commandRejected(CommandRejection)
    }

    /// The channel's slot in its group, or -1 for the whole group.
    public let channel: Int32
    public let kind: Kind
    /// Which group (thread) reported it.
    public var group: Int32 = 0

    public init(channel: Int32, kind: Kind, group: Int32 = 0) {
        self.channel = channel
        self.kind = kind
        self.group = group
    }
}

/// Why playback ended.
public enum PlayEnd: BitwiseCopyable, Sendable, Equatable {
    case completed, stopped, replaced, dtmf, deactivated
}

/// Why the loop refused a command.
public enum CommandRejection: BitwiseCopyable, Sendable, Equatable {
    case noSuchChannel
    case channelInactive
    case noSuchConference
    case conferenceFull
    case notInConference
    case digitsQueueFull
}
