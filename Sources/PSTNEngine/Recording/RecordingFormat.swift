import CSndFile

/// How a recording is encoded on disk. Every format is written at the line's 8 kHz.
public enum RecordingFormat: Sendable, Equatable {
    /// RIFF/WAVE holding G.711 A-law bytes (format tag 6): what E1 lines carry, half the size of PCM.
    case wavALaw
    /// RIFF/WAVE holding G.711 mu-law bytes (format tag 7): what T1 lines carry.
    case wavMuLaw
    /// RIFF/WAVE holding 16-bit linear PCM: exact, twice the size.
    case wavPCM16
    /// MPEG-2.5 layer III through libsndfile's LAME encoder: smallest, lossy.
    case mp3

    /// The libsndfile major|minor format code.
    var sndfileFormat: Int32 {
        switch self {
        case .wavALaw: Int32(SF_FORMAT_WAV | SF_FORMAT_ALAW)
        case .wavMuLaw: Int32(SF_FORMAT_WAV | SF_FORMAT_ULAW)
        case .wavPCM16: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .mp3: Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        }
    }

    /// Whether the file has RIFF headers that `RecordingRepair.repairWAV` can fix after a crash.
    public var isWAV: Bool { self != .mp3 }
}

/// How the two directions of a call are laid out in the file.
public enum RecordingLayout: Sendable, Equatable {
    /// One channel: received and sent audio summed, clipped to 16 bits.
    case mono
    /// Two channels: left = received (the caller, what the line brought in), right = sent.
    case stereo

    /// Channels in the file.
    public var channels: Int { self == .mono ? 1 : 2 }
}
