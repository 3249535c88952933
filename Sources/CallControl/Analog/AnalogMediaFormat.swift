import PSTNEngine

/// How the media engine reads and writes an analog line while a call on it is answered: the
/// line's law and its driver buffers. An analog backend that shares its descriptor with the
/// media engine puts the line back this way each time it gives the audio up.
public struct AnalogMediaFormat: Sendable, Equatable {
    public var format: SampleFormat
    public var buffers: Int
    public var bufferBytes: Int

    public init(format: SampleFormat, buffers: Int, bufferBytes: Int) {
        self.format = format
        self.buffers = buffers
        self.bufferBytes = bufferBytes
    }

    /// The format a media engine with `settings` expects of a line using `law`.
    public init(law: G711, settings: MediaSettings) {
        self.init(format: law == .muLaw ? .muLaw : .aLaw, buffers: settings.dahdiBuffers, bufferBytes: settings.chunkSamples)
    }
}
