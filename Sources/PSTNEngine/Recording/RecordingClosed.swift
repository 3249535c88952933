/// A recording the writer has closed: for the engine to forward as a "recording closed" event.
public struct RecordingClosed: Sendable, Equatable {
    /// The id the session was created with.
    public let id: Int
    public let path: String
    /// Frames in the file (one frame = one sample period; both sides in stereo).
    public let frames: Int
    /// Sample periods lost because the ring was full (see `RecordingSession.droppedSamples`).
    public let droppedSamples: Int
    /// Why the recording ended early or the file may be incomplete; nil when all went well.
    public let error: String?

    public init(id: Int, path: String, frames: Int, droppedSamples: Int, error: String?) {
        self.id = id
        self.path = path
        self.frames = frames
        self.droppedSamples = droppedSamples
        self.error = error
    }
}
