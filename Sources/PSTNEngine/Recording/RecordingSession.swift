import CSndFile
import Synchronization

/// One call recording: created off the hot path (that opens the file), fed by the media thread
/// through `append`, drained into the file and closed by a `RecordingWriter`.
///
/// Between the media thread and the writer sits a preallocated lock-free ring of 16-bit frames
/// (interleaved left/right in stereo), so `append` and `finish` never allocate, lock, log, do
/// file I/O or wait. Only the writer's thread touches the libsndfile handle once the session
/// has been added to a writer.
///
/// Lifetime: the writer keeps the session until it posts `RecordingClosed`. Whoever drops the
/// last reference frees the ring, so the media thread should hand its reference back to a
/// non-real-time thread rather than release it in the loop.
public final class RecordingSession: @unchecked Sendable {
    /// The caller-chosen id, echoed in `RecordingClosed`.
    public let id: Int
    public let path: String
    public let format: RecordingFormat
    public let layout: RecordingLayout
    /// The line's rate: every recording is written at 8 kHz.
    public static let sampleRate = 8000

    let ring: SampleRing
    let channels: Int
    /// Set by `finish()` (media thread) or by the writer when it stops or the file fails.
    let finishRequested = Atomic<Bool>(false)
    /// Frames to cut from the end of the file when it is closed (set once, by `finish`).
    let trimRequested = Atomic<Int>(0)
    /// Sample periods lost; added to by the media thread (ring full) and the writer (write failed).
    let dropped = Atomic<Int>(0)
    /// Frames in the file; written only by the writer.
    let written = Atomic<Int>(0)

    // Writer-thread state (the creating thread's until the session is added to a writer).
    var file: OpaquePointer?
    var lastHeaderUpdate: UInt64 = 0
    var framesSinceHeaderUpdate = 0
    var failure: String?
    /// Stereo MP3 only: where the writer widens samples to 32 bits (see `writeFrames`).
    let wideScratch: UnsafeMutableBufferPointer<Int32>?

    /// Open `path` for writing (replacing any file there) in `format` and `layout`, and
    /// preallocate a ring holding `secondsOfBuffer` seconds of audio for when the disk is slow.
    public init(id: Int, path: String, format: RecordingFormat, layout: RecordingLayout,
                secondsOfBuffer: Int = 4) throws(RecordingError) {
        guard (1...600).contains(secondsOfBuffer) else {
            throw RecordingError(operation: "open recording", path: path,
                                 reason: "a buffer of \(secondsOfBuffer) s is outside 1...600 s")
        }
        var info = try Self.checkedInfo(format: format, channels: layout.channels,
                                        sampleRate: Self.sampleRate, path: path)
        guard let handle = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw RecordingError(operation: "open recording", path: path,
                                 reason: String(cString: sf_strerror(nil)))
        }
        self.id = id
        self.path = path
        self.format = format
        self.layout = layout
        channels = layout.channels
        file = handle
        ring = SampleRing(capacity: secondsOfBuffer * Self.sampleRate * layout.channels)
        wideScratch = format == .mp3 && layout == .stereo ? .allocate(capacity: Self.wideScratchSamples) : nil
    }

    /// Samples widened per libsndfile call for stereo MP3 (a multiple of 2).
    static let wideScratchSamples = 4096

    /// The libsndfile description of a recording, refused when this libsndfile cannot write it
    /// (an MP3 recording on a libsndfile built without LAME, for instance).
    static func checkedInfo(format: RecordingFormat, channels: Int, sampleRate: Int,
                            path: String) throws(RecordingError) -> SF_INFO {
        var info = SF_INFO()
        info.samplerate = Int32(clamping: sampleRate)
        info.channels = Int32(clamping: channels)
        info.format = format.sndfileFormat
        guard sf_format_check(&info) != 0 else {
            throw RecordingError(operation: "open recording", path: path,
                                 reason: "this libsndfile cannot write \(format) with \(channels) channel(s) at \(sampleRate) Hz")
        }
        return info
    }

    deinit {
        // Only when the session was never added to a writer (or the writer never ran).
        if let file { sf_close(file) }
        wideScratch?.deallocate()
    }

    /// Hot path, media thread only: append one chunk of received and sent linear audio (the
    /// same count). Never blocks: what does not fit in the ring is dropped and counted, as is
    /// the longer side's excess if the counts differ. Ignored after `finish()`.
    public func append(received: UnsafeBufferPointer<Int16>, sent: UnsafeBufferPointer<Int16>) {
        if finishRequested.load(ordering: .relaxed) { return }
        let frames = min(received.count, sent.count)
        let (first, second) = ring.writableRegions()
        let accepted = min(frames, (first.count + second.count) / channels)
        let lost = max(received.count, sent.count) - accepted
        if lost > 0 { dropped.add(lost, ordering: .relaxed) }
        guard accepted > 0 else { return }
        // The ring's capacity is a power of two and every write is whole frames, so each
        // region holds whole frames.
        let inFirst = min(accepted, first.count / channels)
        fill(first, received: received, sent: sent, from: 0, count: inFirst)
        fill(second, received: received, sent: sent, from: inFirst, count: accepted - inFirst)
        ring.commitWrite(accepted * channels)
    }

    @inline(__always)
    private func fill(_ region: UnsafeMutableBufferPointer<Int16>, received: UnsafeBufferPointer<Int16>,
                      sent: UnsafeBufferPointer<Int16>, from start: Int, count: Int) {
        guard count > 0, let out = region.baseAddress, let rx = received.baseAddress, let tx = sent.baseAddress else { return }
        if channels == 1 {
            for i in 0..<count {
                out[i] = Int16(clamping: Int32(rx[start + i]) + Int32(tx[start + i]))
            }
        } else {
            for i in 0..<count {
                out[2 * i] = rx[start + i]
                out[2 * i + 1] = tx[start + i]
            }
        }
    }

    /// Hot path: no more audio. The writer writes what the ring still holds, closes the file
    /// and posts `RecordingClosed`. `droppingLast` frames are cut from the end of a WAV file
    /// first (what ended a message: a key press, a silence); an MP3 stream cannot be cut and keeps them.
    public func finish(droppingLast frames: Int = 0) {
        if !finishRequested.load(ordering: .relaxed) { trimRequested.store(max(0, frames), ordering: .relaxed) }
        finishRequested.store(true, ordering: .releasing)
    }

    /// Sample periods (one received + one sent sample each) lost because the ring was full,
    /// because the two sides' counts differed, or because the file could not be written.
    public var droppedSamples: Int { dropped.load(ordering: .relaxed) }

    /// Frames written to the file so far (one per sample period, in mono and in stereo).
    public var writtenFrames: Int { written.load(ordering: .relaxed) }
}
