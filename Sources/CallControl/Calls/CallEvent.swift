import PSTNEngine

/// What call control tells the layers above (applications, the daemon, the CDR writer), in order.
public enum CallEvent: Sendable, Equatable {
    /// A new inbound leg arrived; its numbers are known (or partly, under overlap receiving).
    case offered(CallLeg)
    /// The router chose a destination for an inbound leg. For an application destination the
    /// call is now the application's to answer, play to, and release.
    case routed(CallID, Destination, rule: String)
    /// An outbound leg was placed, for a routed call (`for`) or on request.
    case placed(CallLeg, for: CallID?)
    case alerting(CallID)
    case progress(CallID, inbandAudio: Bool)
    case answered(CallID)
    /// Two legs' audio now flows between them.
    case bridged(CallID, CallID)
    /// A leg ended; the leg carries its cause, who released it and its times.
    case released(CallLeg)
    /// A DTMF digit the media layer detected on an answered leg.
    case dtmf(CallID, digit: Character, milliseconds: Int)
    /// A tone detected on an answered leg (fax CNG/CED, busy, SIT...).
    case tone(CallID, String)
    case flash(CallID)
    /// The far end has been silent as long as `watchSilence` asked.
    case silence(CallID, milliseconds: Int)
    /// Prompts played with `CallControl.play` ended: played out, stopped, or cut by a key.
    case playFinished(CallID, id: Int32, reason: PlayEnd)
    /// A recording started with `CallControl.record` is closed (the call ended, it was stopped
    /// or replaced); its id, file, length and any error.
    case recordingClosed(RecordingClosed)
    case channelState(backend: String, ChannelStatus)
    case link(backend: String, up: Bool)
    /// Something malformed or out of state from a backend, or a refused transition.
    case protocolError(backend: String, String)
}

/// How a supervisor taps an agent's call.
public enum MonitorMode: String, Sendable, Equatable, CaseIterable {
    /// Hears both; heard by neither.
    case listen
    /// Hears both; heard by the agent only (coaching).
    case whisper
    /// Hears both; heard by both (a three-way call).
    case barge
}

/// A named set of backends that calls arrive on and leave by, hunted in order for outgoing calls.
public struct TrunkGroup: Sendable, Hashable {
    public enum Hunt: String, Sendable, Hashable, Codable {
        /// Always from the first member.
        case sequential
        /// From the member after the one used last.
        case roundRobin = "round-robin"
    }

    public var name: String
    public var members: [String]
    public var hunt: Hunt

    public init(name: String, members: [String], hunt: Hunt = .sequential) {
        self.name = name
        self.members = members
        self.hunt = hunt
    }
}
