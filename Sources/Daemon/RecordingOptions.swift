import CallControl
import PSTNEngine

/// Call recording as configured: where files go, their encoding, how long they are kept, and
/// which calls are recorded (every call, or calls to or from given numbers); calls can also be
/// recorded on request from the control socket.
///
/// ```yaml
/// recording:
///   dir: /var/spool/pstnd/recordings
///   format: wav-alaw          # wav-alaw, wav-mulaw, wav-pcm16, mp3
///   layout: stereo            # stereo: the far end left, the engine's side right; or mono
///   retention_days: 90
///   policies:
///     - { called: "95588" }   # an access number (a number pattern)
///     - { calling: "_138." }
///     - { queue: complaints }  # queue calls, from when an agent answers (with `agent: "1001"`: that agent's)
///     - { all: true }
/// ```
public struct RecordingOptions: Sendable, Codable, Equatable {
    public var dir: String
    public var format: String?
    public var layout: String?
    public var retention_days: Int?
    public var policies: [Policy]?

    /// Which calls a policy records; every condition given must hold. A policy naming a queue
    /// or an agent records ACD calls from the moment an agent answers.
    public struct Policy: Sendable, Codable, Equatable {
        public var all: Bool?
        public var called: String?
        public var calling: String?
        public var queue: String?
        public var agent: String?

        var needsAgent: Bool { queue != nil || agent != nil }
    }

    func problems() -> [String] {
        var out: [String] = []
        if dir.isEmpty { out.append("recording.dir must name a folder") }
        if RecordingOptions.format(format) == nil { out.append("recording.format must be wav-alaw, wav-mulaw, wav-pcm16 or mp3, not \(format ?? "")") }
        if let layout, !["mono", "stereo"].contains(layout) { out.append("recording.layout must be mono or stereo, not \(layout)") }
        if let days = retention_days, !(1...36500).contains(days) { out.append("recording.retention_days must be 1-36500") }
        for (i, p) in (policies ?? []).enumerated() {
            if p.all != true, p.called == nil, p.calling == nil, !p.needsAgent {
                out.append("recording.policies[\(i)]: give all: true, called, calling, queue or agent")
            }
            for pattern in [p.called, p.calling].compactMap({ $0 }) {
                do { _ = try NumberPattern(pattern) } catch { out.append("recording.policies[\(i)]: \(error)") }
            }
        }
        return out
    }

    /// The file encoding named in the configuration (nil when it is unknown).
    static func format(_ name: String?) -> RecordingFormat? {
        switch name ?? "wav-alaw" {
        case "wav-alaw": .wavALaw
        case "wav-mulaw", "wav-ulaw": .wavMuLaw
        case "wav-pcm16": .wavPCM16
        case "mp3": .mp3
        default: nil
        }
    }

    /// The reason to record a call with these numbers, or nil. Without `queue`, at answer, the
    /// policies that name no queue or agent; with it, when an agent answers a queue call, the
    /// policies that do.
    func policy(calling: String?, called: String, queue: String? = nil, agent: String? = nil) -> String? {
        for (i, p) in (policies ?? []).enumerated() {
            guard p.needsAgent == (queue != nil) else { continue }
            if let q = p.queue, q != queue { continue }
            if let a = p.agent, a != agent { continue }
            if let c = p.called, (try? NumberPattern(c))?.matches(called) != true { continue }
            if let c = p.calling, (try? NumberPattern(c))?.matches(calling ?? "") != true { continue }
            if let queue, let agent { return "policy \(i + 1) (queue \(queue), agent \(agent))" }
            return p.all == true && p.called == nil && p.calling == nil ? "all calls" : "policy \(i + 1)"
        }
        return nil
    }
}

/// Voicemail as configured: where messages go, their encoding and length, and the boxes that
/// have their own greeting or limit (any other box name gets the defaults).
///
/// ```yaml
/// voicemail:
///   dir: /var/spool/pstnd/voicemail
///   format: wav-pcm16
///   max_s: 120
///   silence_s: 10             # a message ends after this much silence (0: never)
///   retention_days: 60
///   boxes:
///     - { name: sales, greeting: greetings/sales.wav, max_s: 60 }
/// ```
public struct VoicemailOptions: Sendable, Codable, Equatable {
    public var dir: String
    public var format: String?
    public var max_s: Double?
    /// Silence that ends a message (10 s by default; 0: never).
    public var silence_s: Double?
    public var retention_days: Int?
    public var boxes: [Box]?

    /// One box's own settings.
    public struct Box: Sendable, Codable, Equatable {
        public var name: String
        /// A recorded greeting (any audio file), played instead of the flow's prompts.
        public var greeting: String?
        public var max_s: Double?
        public var silence_s: Double?
    }

    func problems() -> [String] {
        var out: [String] = []
        if dir.isEmpty { out.append("voicemail.dir must name a folder") }
        if RecordingOptions.format(format) == nil { out.append("voicemail.format must be wav-alaw, wav-mulaw, wav-pcm16 or mp3, not \(format ?? "")") }
        if let m = max_s, !(1...3600).contains(m) { out.append("voicemail.max_s must be 1-3600 seconds") }
        if let s = silence_s, !(0...600).contains(s) { out.append("voicemail.silence_s must be 0-600 seconds") }
        if let days = retention_days, !(1...36500).contains(days) { out.append("voicemail.retention_days must be 1-36500") }
        var names: Set<String> = []
        for (i, b) in (boxes ?? []).enumerated() {
            if b.name.isEmpty { out.append("voicemail.boxes[\(i)] needs a name") }
            if !names.insert(b.name).inserted { out.append("voicemail.boxes: two boxes are named \(b.name)") }
            if let m = b.max_s, !(1...3600).contains(m) { out.append("voicemail.boxes[\(i)].max_s must be 1-3600 seconds") }
            if let s = b.silence_s, !(0...600).contains(s) { out.append("voicemail.boxes[\(i)].silence_s must be 0-600 seconds") }
        }
        return out
    }
}

/// What callers on the blocked list (kept in the store, edited with `pstnctl blocked`) get when
/// their entry says `message`: a prompt in a language, then release with a cause.
///
/// ```yaml
/// blocked: { prompt: blocked, language: zh, cause: 21 }
/// ```
public struct BlockedOptions: Sendable, Codable, Equatable {
    public var prompt: String?
    public var language: String?
    public var cause: Int?

    func problems() -> [String] {
        if let c = cause, Q850Cause(rawValue: c) == nil { return ["blocked.cause \(c) is not a Q.850 cause"] }
        return []
    }
}
