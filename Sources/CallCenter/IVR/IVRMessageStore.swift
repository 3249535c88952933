import CallControl
import PSTNEngine

/// Where the IVR keeps the messages callers leave and finds the ones it plays back. The daemon
/// implements it over the store and the recordings folder; the IVR only records and plays.
public protocol IVRMessageStore: Sendable {
    /// The settings of a voicemail box (boxes not configured get the defaults).
    func box(_ name: String) -> IVRBoxSettings
    /// Start recording `call` as a voicemail message of `box`, or (box nil) as a message kept
    /// with the call; the recording's id.
    func startMessage(_ call: CallID, box: String?, caller: String?, called: String) async throws -> Int64
    /// Stop recording `call`, leaving its last `droppingLast` out of the message (the key press
    /// or the silence that ended it).
    func stopMessage(_ call: CallID, droppingLast: Duration) async
    /// The messages of `box` not yet heard, oldest first.
    func newMessages(in box: String) -> [IVRStoredMessage]
    func markHeard(_ id: Int64)
}

/// A voicemail box's own settings.
public struct IVRBoxSettings: Sendable {
    /// The box's recorded greeting, played instead of the node's prompts.
    public var greeting: [Prompt]?
    /// Longest message.
    public var maxMilliseconds: Int
    /// Silence after which the message ends (0: only `#`, the limit or hang-up end it).
    public var silenceMilliseconds: Int

    public init(greeting: [Prompt]? = nil, maxMilliseconds: Int = 120_000, silenceMilliseconds: Int = 10_000) {
        self.greeting = greeting
        self.maxMilliseconds = maxMilliseconds
        self.silenceMilliseconds = silenceMilliseconds
    }
}

/// A stored message, ready to play.
public struct IVRStoredMessage: Sendable {
    public var id: Int64
    public var audio: Prompt
    public var caller: String?

    public init(id: Int64, audio: Prompt, caller: String?) {
        self.id = id
        self.audio = audio
        self.caller = caller
    }
}
