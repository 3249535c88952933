/// How a media group runs: chunk size, echo canceller tail, which detectors start on, the pool of
/// bridges and conferences, and the sizes of the queues to and from the loop.
public struct MediaSettings: Sendable, Equatable {
    /// Samples per chunk, 8 (1 ms) to 160 (20 ms): the loop's period and the DAHDI block size.
    public var chunkSamples: Int
    /// Echo canceller tail, 16 to 128 ms.
    public var echoTailMilliseconds: Int
    /// Whether a channel's echo canceller starts on.
    public var echoCancellerOn: Bool
    /// Whether the echo canceller's non-linear processor (and comfort noise) is used.
    public var nonLinearProcessor: Bool
    /// Detectors a channel starts with.
    public var detectors: MediaDetectors
    /// Bridges and conferences the group can hold at once.
    public var conferences: Int
    /// Parties one conference can hold (a two-party bridge uses two).
    public var conferenceCapacity: Int
    /// Capacity of the command queue into the loop (a group makes it at least
    /// `commandsPerChannel` per channel) and of the event queue out of it.
    public var commandQueueCapacity: Int
    public var eventQueueCapacity: Int
    /// SCHED_FIFO priority for the loop's thread, or nil for the normal scheduler. When the
    /// process may not raise its priority the thread runs normally and says so in its statistics.
    public var realtimePriority: Int32?
    /// What `pstnd` and `pstn-sim` ask for: above ordinary work, below the kernel's own threads.
    public static let defaultRealtimePriority = 50

    /// The SCHED_FIFO priority of threads that feed a loop at `loop` in real time (fax
    /// sessions): just below it, and none when the loop has none.
    public static func feederPriority(below loop: Int32?) -> Int32? {
        loop.map { max(1, $0 - 10) }
    }
    /// DAHDI buffers per channel (each one chunk long, at most DAHDI's 32): how long the loop may
    /// stall before received audio is lost, and how far ahead it may write.
    public var dahdiBuffers: Int
    /// How late a chunk's write may be without a gap on the line (0 to 480 samples, 80 = 10 ms
    /// by default). A channel that starts gets one chunk plus this much silence written ahead
    /// (its first chunk cannot be written before it has been received); that is the delay the
    /// loop adds beyond collecting a chunk.
    public var writeAheadSamples: Int

    /// Room in a group's command queue for each of its channels, whatever `commandQueueCapacity`
    /// says: a call's end sends a handful (stop playback, stop recording, leave, deactivate), and
    /// when a span goes down every call on it ends within the same chunk.
    public static let commandsPerChannel = 16

    /// Commands the loop carries out per cycle at most, 128 per millisecond of chunk; the rest
    /// wait for the next cycle, in order. Starting a call resets its echo canceller and
    /// history (about a microsecond at a 64 ms tail), so a burst (hundreds of calls starting
    /// or ending together: a span coming up, a campaign, a card's alarm) would otherwise land
    /// in one cycle and push it past its deadline; spread out, a command waits one chunk for
    /// each `commandsPerCycle` queued ahead of it.
    public var commandsPerCycle: Int { 16 * chunkSamples }

    /// The silence written ahead when a channel starts: one chunk plus the margin.
    public var cushionSamples: Int { chunkSamples + writeAheadSamples }

    public init(chunkSamples: Int = 160, echoTailMilliseconds: Int = 64, echoCancellerOn: Bool = true,
                nonLinearProcessor: Bool = true, detectors: MediaDetectors = [.dtmf, .faxTones],
                conferences: Int = 64, conferenceCapacity: Int = 64, commandQueueCapacity: Int = 1024,
                eventQueueCapacity: Int = 4096, realtimePriority: Int32? = nil, dahdiBuffers: Int = 8,
                writeAheadSamples: Int = 80) {
        self.chunkSamples = chunkSamples
        self.echoTailMilliseconds = echoTailMilliseconds
        self.echoCancellerOn = echoCancellerOn
        self.nonLinearProcessor = nonLinearProcessor
        self.detectors = detectors
        self.conferences = conferences
        self.conferenceCapacity = conferenceCapacity
        self.commandQueueCapacity = commandQueueCapacity
        self.eventQueueCapacity = eventQueueCapacity
        self.realtimePriority = realtimePriority
        self.dahdiBuffers = dahdiBuffers
        self.writeAheadSamples = writeAheadSamples
    }

    /// Check every value against its range; the error names the setting and the value.
    public func validate() throws(MediaError) {
        func check(_ ok: Bool, _ setting: String, _ value: Int, _ range: String) throws(MediaError) {
            guard ok else { throw MediaError(operation: "validating media settings", subject: setting,
                                             reason: "\(value) is outside \(range)") }
        }
        try check((8...160).contains(chunkSamples), "chunkSamples", chunkSamples, "8...160")
        try check((16...128).contains(echoTailMilliseconds), "echoTailMilliseconds", echoTailMilliseconds, "16...128")
        try check((0...4096).contains(conferences), "conferences", conferences, "0...4096")
        try check((2...1024).contains(conferenceCapacity), "conferenceCapacity", conferenceCapacity, "2...1024")
        try check((2...65536).contains(commandQueueCapacity), "commandQueueCapacity", commandQueueCapacity, "2...65536")
        try check((2...1_048_576).contains(eventQueueCapacity), "eventQueueCapacity", eventQueueCapacity, "2...1048576")
        try check((2...32).contains(dahdiBuffers), "dahdiBuffers", dahdiBuffers, "2...32")
        try check((0...480).contains(writeAheadSamples), "writeAheadSamples", writeAheadSamples, "0...480")
        if let p = realtimePriority { try check((1...99).contains(Int(p)), "realtimePriority", Int(p), "1...99") }
    }
}

/// Which detectors run on a channel's received audio.
public struct MediaDetectors: OptionSet, Sendable, Hashable, BitwiseCopyable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let dtmf = MediaDetectors(rawValue: 1)
    /// CNG, CED/ANS, ANSam and the V.21 preamble.
    public static let faxTones = MediaDetectors(rawValue: 2)
    /// Dial, busy, ringback, congestion and SIT from the channel's tone zone.
    public static let callProgress = MediaDetectors(rawValue: 4)
    public static let all: MediaDetectors = [.dtmf, .faxTones, .callProgress]
}

/// A failure of the media layer, saying what was being done, to what, and why.
public struct MediaError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    public let subject: String
    public let reason: String

    public init(operation: String, subject: String, reason: String) {
        self.operation = operation
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(operation) (\(subject)): \(reason)" }
}
