/// The engine's DTMF receiver (ITU-T Q.24): reports key down and key up with durations.
///
/// The engine's own design rather than spandsp's `dtmf_rx`: Debian's spandsp 0.0.6 accepts a
/// digit only when its two 102-sample Goertzel bins hold 82% (-0.85 dB, a constant `dtmf_rx_parms`
/// does not reach) of the block's energy, and a 1633 Hz tone 1.5% off loses 1.4 dB in its bin, so
/// C and D fail Q.24's ±1.5%; it also has no check against the harmonics of speech and music. This one measures each tone's frequency from
/// its phase (`DTMFSpectrum`), judges the pair (`DTMFToneAnalyzer`) and times it
/// (`DTMFDigitTracker`); see `DTMFLimits` for the Q.24 values it holds to.
///
/// Created off the media thread (it allocates once); `process` allocates nothing, takes no lock
/// and keeps up to `capacity` events until `nextEvent` takes them. One instance per channel.
public final class DTMFDetector {
    public static let capacity = 32
    public let limits: DTMFLimits
    private var spectrum: DTMFSpectrum
    private let analyzer: DTMFToneAnalyzer
    private var tracker: DTMFDigitTracker
    private var notch: DialToneNotch?
    private var events = FixedRing(capacity: DTMFDetector.capacity, filler: DTMFEvent(digit: 0, kind: .began, sample: 0))
    private var samples: UInt64 = 0
    /// Events lost because nobody took them in time.
    public var dropped: Int { events.dropped }

    /// `blockOffset` samples of silence stand at the start of the first sub-block: a media group
    /// gives each channel its own, so that the channels' sub-block analyses fall in different cycles.
    public init(limits: DTMFLimits = DTMFLimits(), blockOffset: Int = 0) {
        self.limits = limits
        spectrum = DTMFSpectrum(leadingSilence: blockOffset)
        analyzer = DTMFToneAnalyzer(limits: limits)
        tracker = DTMFDigitTracker(limits: limits)
        notch = limits.filterDialTone ? DialToneNotch() : nil
    }

    deinit {
        spectrum.release()
        events.release()
    }

    /// Feed linear samples (any chunk size).
    public func process(_ audio: UnsafeBufferPointer<Int16>) {
        var offset = 0
        while offset < audio.count {
            let space = spectrum.space
            let count = min(space.count, audio.count - offset)
            for i in 0..<count { space[i] = Float(audio[offset + i]) }
            if notch != nil { notch!.filter(UnsafeMutableBufferPointer(rebasing: space[0..<count])) }
            offset += count
            samples &+= UInt64(count)
            guard spectrum.commit(count) else { continue }
            let hit = analyzer.verdict(spectrum)
            tracker.step(hit, at: samples) { events.push($0) }
        }
    }

    /// Take the oldest event not yet taken.
    public func nextEvent() -> DTMFEvent? { events.pop() }

    /// Prefetch what the next chunk's analysis touches (for the media loop: a hint, no effect
    /// on results).
    @inline(__always)
    func prefetch() { spectrum.prefetch() }
}
