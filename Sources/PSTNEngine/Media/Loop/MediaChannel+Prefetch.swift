import CMediaKernels

/// The loop's prefetch stages. At 1 ms chunks a channel's few samples of work would start with a
/// cache miss on each of its objects and on the canceller's arrays (at hundreds of channels a
/// channel's state has left the core's caches by the next cycle), so each pass asks for a
/// channel's memory while the channels before it are processed: its object three channels
/// ahead, the objects it points to two ahead, their arrays one ahead. Each stage reads
/// only what an earlier stage fetched. Prefetches are hints: they read nothing and cannot fault.
extension MediaChannel {
    /// Bytes of the channel object to fetch: all of it (360 bytes in December 2026).
    private static let objectBytes: Int32 = 360

    /// Stage one: the channel object.
    @inline(__always)
    func prefetchObject() {
        cmk_prefetch(Unmanaged.passUnretained(self).toOpaque(), Self.objectBytes)
    }

    /// Stage two: the objects this chunk's work goes through (reads this object).
    @inline(__always)
    func prefetchReceiveParts() {
        guard isActive else { return }
        Self.prefetch(echoCanceller, bytes: 80)
        cmk_echo_prefetch_state(echoState)
        if detectors.contains(.dtmf) { Self.prefetch(dtmf, bytes: 256) }  // its spectrum's fields
        if detectors.contains(.faxTones) { Self.prefetch(faxTones) }
        if detectors.contains(.callProgress) { Self.prefetch(callProgress) }
    }

    /// Stage three: the canceller's weights and the part of its history the next chunk touches
    /// (reads its control fields), and the DTMF receiver's resonators (reads its object).
    @inline(__always)
    func prefetchReceiveArrays() {
        guard isActive else { return }
        if echoCanceller.isEnabled { cmk_echo_prefetch_window(echoState, Int32(chunk)) }
        if detectors.contains(.dtmf) { dtmf.prefetch() }
    }

    /// The transmit pass's second stage: what composing, recording and encoding go through.
    @inline(__always)
    func prefetchTransmitParts() {
        guard isActive else { return }
        cmk_prefetch(sent, Int32(chunk * 2))
        if play != nil { Self.prefetch(player) }
        if let recording { cmk_prefetch(recording.unmanaged.toOpaque(), 64) }
    }

    /// The transmit pass's third stage: the recording's ring (reads the session).
    @inline(__always)
    func prefetchRecordingRing() {
        guard isActive, let recording else { return }
        recording.borrow { Self.prefetch($0.ring) }
    }

    /// An object's first `bytes` (the line it starts in by default: every object here fills it).
    @inline(__always)
    private static func prefetch(_ object: AnyObject, bytes: Int32 = 1) {
        cmk_prefetch(Unmanaged.passUnretained(object).toOpaque(), bytes)
    }
}
