import Foundation

/// Recognises the dial, busy, ringback, congestion and special information tones of a tone zone
/// by their frequencies (Goertzel filters on 25 ms blocks) and their cadence (on/off runs).
/// Zones whose tones share a frequency (China: all 450 Hz) are told apart by cadence alone.
/// A block quieter than any tone (about -40 dBm0) skips the filters. Allocation-free after
/// creation.
public final class CallProgressDetector {
    static let blockSamples = 200
    static let blockMilliseconds = 25

    private let patterns: [CallProgressPattern]
    /// One per pattern.
    private let tracks: UnsafeMutablePointer<CadenceTrack>
    private let filters: GoertzelBank
    /// Slots of 950, 1400 and 1800 Hz in the filter bank.
    private let sitFrequencies: SIMD4<Int32>
    private var sit = SpecialInformationTracker()
    private let block: UnsafeMutablePointer<Int16>
    private var filled = 0
    private var samples: UInt64 = 0
    private var events = FixedRing(capacity: 8, filler: CallProgressEvent(tone: .busy, sample: 0))
    /// Quietest block that counts as tone (about -40 dBm0), as mean power.
    private let threshold: Float = {
        let amplitude: Double = 22_786 * pow(10.0, -40.0 / 20.0)
        return Float(amplitude * amplitude / 2)
    }()

    /// Build the detector for a zone; tones the zone does not define, or defines in a form that
    /// cannot be detected (modulation only), are left out. `blockOffset` samples of silence stand
    /// at the start of the first block: a media group gives each channel its own, so that the
    /// channels' blocks (and the filter work at their ends) fall in different cycles.
    public init(zone: ToneZone, blockOffset: Int = 0) {
        var table: [Double] = []
        func index(_ f: Double) -> Int {
            if let i = table.firstIndex(where: { abs($0 - f) < 1 }) { return i }
            table.append(f)
            return table.count - 1
        }
        patterns = CallProgressPattern.patterns(of: zone, index: index)
        sitFrequencies = SIMD4(Int32(index(950)), Int32(index(1400)), Int32(index(1800)), 0)
        filters = GoertzelBank(frequencies: table)
        tracks = .allocate(capacity: max(1, patterns.count))
        tracks.initialize(repeating: CadenceTrack(), count: max(1, patterns.count))
        block = .allocate(capacity: Self.blockSamples)
        block.initialize(repeating: 0, count: Self.blockSamples)
        filled = max(0, blockOffset) % Self.blockSamples
    }

    deinit {
        events.release()
        filters.release()
        tracks.deallocate()
        block.deallocate()
    }

    /// Feed linear samples.
    public func process(_ audio: UnsafeBufferPointer<Int16>) {
        guard var source = audio.baseAddress else { return }
        // Counters in locals, stored once: class properties pay an exclusivity check per access.
        var remaining = audio.count
        var filled = self.filled
        var position = samples
        while remaining > 0 {
            let n = min(remaining, Self.blockSamples - filled)
            (block + filled).update(from: source, count: n)
            filled += n
            position &+= UInt64(n)
            source += n
            remaining -= n
            if filled == Self.blockSamples {
                analyse(endingAt: position)
                filled = 0
            }
        }
        samples = position
        self.filled = filled
    }

    /// Take the oldest tone found and not yet taken.
    public func nextEvent() -> CallProgressEvent? { events.pop() }

    /// Judge the full block, which ends at sample `position`.
    private func analyse(endingAt position: UInt64) {
        let energy = GoertzelBank.meanSquare(block, count: Self.blockSamples)
        // No tone can be on in a block this quiet: the filters are not run.
        let loud = energy > threshold
        if loud { filters.analyse(block, count: Self.blockSamples) }
        let powers = filters.powers
        for p in patterns.indices {
            let on = loud && patterns[p].sounds(in: powers, energy: energy)
            if tracks[p].update(on: on, milliseconds: Self.blockMilliseconds, pattern: patterns[p]) {
                events.push(CallProgressEvent(tone: patterns[p].tone, sample: position))
            }
        }
        var holding = -1
        if loud {
            for n in 0..<3 where powers[Int(sitFrequencies[n])] >= 0.7 * energy { holding = n }
        }
        if sit.update(holding: holding, milliseconds: Self.blockMilliseconds) {
            events.push(CallProgressEvent(tone: .specialInformation, sample: position))
        }
    }
}
