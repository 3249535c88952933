import Synchronization

/// Two-way audio between one channel and a worker off the media thread (a fax session): the
/// loop puts what the far end sends into `fromLine` and sends what the worker left in `toLine`
/// in place of everything else the channel would send (prompts, tones, the bridge). The worker
/// keeps `toLine` a few chunks ahead; when it falls behind the loop sends silence and counts it.
public final class AudioStream: @unchecked Sendable {
    public let id: Int32
    /// What the far end sends, as received (after the echo canceller and the receive gain).
    public let fromLine: SampleRing
    /// What the worker wants sent, in order.
    public let toLine: SampleRing
    private let missing = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let detached = Atomic<Bool>(false)

    /// `capacity`: samples each direction can hold (a second at 8 kHz by default).
    public init(id: Int32, capacity: Int = 8000) {
        self.id = id
        fromLine = SampleRing(capacity: capacity)
        toLine = SampleRing(capacity: capacity)
    }

    /// Samples the loop had to send as silence because the worker had not written them.
    public var underrunSamples: Int { missing.load(ordering: .relaxed) }
    /// Received samples lost because the worker had not read them.
    public var overrunSamples: Int { dropped.load(ordering: .relaxed) }
    /// Whether the loop has let go of the stream (stopped, replaced, or the channel deactivated).
    public var isDetached: Bool { detached.load(ordering: .acquiring) }

    /// Loop side: hand over the received chunk.
    @inline(__always)
    func deliver(_ samples: UnsafeBufferPointer<Int16>) {
        let taken = fromLine.write(samples)
        if taken < samples.count { dropped.add(samples.count - taken, ordering: .relaxed) }
    }

    /// Loop side: fill `output` with what the worker wrote, silence for what it has not.
    @inline(__always)
    func take(into output: UnsafeMutableBufferPointer<Int16>) {
        let got = toLine.read(into: output)
        if got < output.count {
            for i in got..<output.count { output[i] = 0 }
            missing.add(output.count - got, ordering: .relaxed)
        }
    }

    /// Loop side: the stream is no longer served.
    func detach() { detached.store(true, ordering: .releasing) }
}
