import Foundation

/// A call-progress tone heard on a line.
public enum CallProgressTone: Sendable, Equatable, BitwiseCopyable {
    case dialTone
    case busy
    case ringback
    case congestion
    /// The ITU-T E.180 special information tone (950, 1400, 1800 Hz), or the zone's own.
    case specialInformation
}

/// A call-progress tone found, and when (the channel's sample count).
public struct CallProgressEvent: Sendable, Equatable, BitwiseCopyable {
    public let tone: CallProgressTone
    public let sample: UInt64
}

/// Recognises the dial, busy, ringback, congestion and special information tones of a tone zone
/// by their frequencies (Goertzel filters on 25 ms blocks) and their cadence (on/off runs).
/// Zones whose tones share a frequency (China: all 450 Hz) are told apart by cadence alone.
/// Allocation-free after creation.
public final class CallProgressDetector {
    static let blockSamples = 200
    static let blockMilliseconds = 25
    static let historyLength = 8

    private struct Pattern {
        let tone: CallProgressTone
        /// Indices into the frequency table; all must be present for the tone to be "on".
        let frequencies: [Int]
        /// Alternating on/off durations in ms starting with on; empty for a continuous tone.
        let cadence: [Int]
        /// For a continuous tone: how long it must last before it is taken for this tone (longer
        /// than any cadenced tone's burst at the same frequencies).
        var hold = 500
        /// Runs that must fit: one cadence cycle, two for cycles shorter than 1.5 s.
        let needed: Int

        init(tone: CallProgressTone, frequencies: [Int], cadence: [Int]) {
            self.tone = tone
            self.frequencies = frequencies
            self.cadence = cadence
            needed = cadence.reduce(0, +) < 1500 ? 2 * cadence.count : cadence.count
        }
    }

    private struct Track {
        var on = false
        var runMilliseconds = 0
        /// Completed runs, newest last: (on, ms). Fixed capacity, oldest dropped.
        var history: [(Bool, Int)]
        var reported = false
        var quietMilliseconds = 0
    }

    private let frequencies: [Double]
    private let coefficients: [Double]
    private let patterns: [Pattern]
    private var tracks: [Track]
    private let sitFrequencies: [Int]
    private var sitRuns: [(Int, Int)]
    private var sitCurrent = -1
    private var sitRun = 0
    private var sitReported = false
    private var block: [Double]
    private var filled = 0
    private var powers: [Double]
    private var samples: UInt64 = 0
    private var events = FixedRing(capacity: 8, filler: CallProgressEvent(tone: .busy, sample: 0))
    /// Quietest block that counts as tone (about -40 dBm0).
    private let threshold: Double = {
        let amplitude: Double = 22_786 * pow(10.0, -40.0 / 20.0)
        return amplitude * amplitude / 2
    }()

    /// Build the detector for a zone; tones the zone does not define, or defines in a form that
    /// cannot be detected (modulation only), are left out.
    public init(zone: ToneZone) {
        var table: [Double] = []
        func index(_ f: Double) -> Int {
            if let i = table.firstIndex(where: { abs($0 - f) < 1 }) { return i }
            table.append(f)
            return table.count - 1
        }
        var patterns: [Pattern] = []
        let wanted: [(ZoneTone, CallProgressTone)] = [
            (.dial, .dialTone), (.busy, .busy), (.ringback, .ringback), (.congestion, .congestion),
            (.specialInformation, .specialInformation),
        ]
        for (zoneTone, tone) in wanted {
            guard let text = zone.definition(of: zoneTone), let spec = try? ToneSpecification(text),
                  let pattern = Self.pattern(tone, spec, index) else { continue }
            // Some zones give two tones the same frequencies and cadence (Japan's busy and
            // congestion); they cannot be told apart, so the first one named stands for both.
            if patterns.contains(where: { Set($0.frequencies) == Set(pattern.frequencies) && $0.cadence == pattern.cadence }) {
                continue
            }
            patterns.append(pattern)
        }
        for i in patterns.indices where patterns[i].cadence.isEmpty {
            let longestBurst = patterns.filter { Set($0.frequencies) == Set(patterns[i].frequencies) }
                .flatMap { $0.cadence.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) }.max() ?? 0
            patterns[i].hold = max(500, longestBurst + longestBurst / 5 + 100)
        }
        sitFrequencies = [index(950), index(1400), index(1800)]
        frequencies = table
        coefficients = table.map { 2 * cos(2 * .pi * $0 / 8000) }
        self.patterns = patterns
        tracks = patterns.map { _ in Track(history: []) }
        for i in tracks.indices { tracks[i].history.reserveCapacity(Self.historyLength + 1) }
        sitRuns = []
        sitRuns.reserveCapacity(4)
        block = [Double](repeating: 0, count: Self.blockSamples)
        powers = [Double](repeating: 0, count: table.count)
    }

    deinit { events.release() }

    /// The tone's frequencies and its repeating cadence, merged into on/off runs.
    private static func pattern(_ tone: CallProgressTone, _ spec: ToneSpecification,
                                _ index: (Double) -> Int) -> Pattern? {
        let loopStart = spec.segments.lastIndex { $0.playedOnce }.map { $0 + 1 } ?? 0
        let loop = loopStart < spec.segments.count ? Array(spec.segments[loopStart...]) : spec.segments
        // Frequencies below 100 Hz are modulation (Japan's "400+15"); modulated tones keep the carrier.
        let sounding = loop.filter { !$0.frequencies.isEmpty }
        guard let first = sounding.first else { return nil }
        let carrier = first.amplitudeModulated ? [first.frequencies[0]] : first.frequencies.filter { $0 >= 100 }
        // A special information tone made of different frequencies in turn is left to the E.180 check.
        guard !carrier.isEmpty, sounding.allSatisfy({ Set($0.frequencies.filter { $0 >= 100 }) == Set(carrier) || $0.amplitudeModulated }) else {
            return nil
        }
        var cadence: [Int] = []
        var lastOn: Bool?
        for segment in loop {
            guard let ms = segment.milliseconds else {
                if cadence.isEmpty { return Pattern(tone: tone, frequencies: carrier.map(index), cadence: []) }
                break
            }
            let on = !segment.frequencies.isEmpty
            if on == lastOn { cadence[cadence.count - 1] += ms } else {
                if cadence.isEmpty && !on { continue }
                cadence.append(ms)
                lastOn = on
            }
        }
        if cadence.count % 2 == 1 { return nil }
        // A cadence written as two identical halves is the half repeated (Australia's congestion,
        // whose halves differ only in level, which this detector does not weigh).
        while cadence.count % 4 == 0, Array(cadence[..<(cadence.count / 2)]) == Array(cadence[(cadence.count / 2)...]) {
            cadence.removeLast(cadence.count / 2)
        }
        return Pattern(tone: tone, frequencies: carrier.map(index), cadence: cadence)
    }

    /// Feed linear samples.
    public func process(_ audio: UnsafeBufferPointer<Int16>) {
        for s in audio {
            block[filled] = Double(s)
            filled += 1
            samples &+= 1
            if filled == Self.blockSamples {
                analyse()
                filled = 0
            }
        }
    }

    /// Take the oldest tone found and not yet taken.
    public func nextEvent() -> CallProgressEvent? { events.pop() }

    private func analyse() {
        var energy = 0.0
        for x in block { energy += x * x }
        energy /= Double(Self.blockSamples)
        for (i, k) in coefficients.enumerated() {
            var s1 = 0.0
            var s2 = 0.0
            for x in block {
                let s0 = x + k * s1 - s2
                s2 = s1
                s1 = s0
            }
            // Mean power of a sine at this frequency (A^2/2 for amplitude A).
            powers[i] = 2 * (s1 * s1 + s2 * s2 - k * s1 * s2) / Double(Self.blockSamples * Self.blockSamples)
        }
        let loud = energy > threshold
        for p in patterns.indices {
            let pattern = patterns[p]
            var inTone = 0.0
            var each = true
            for f in pattern.frequencies {
                inTone += powers[f]
                if powers[f] < 0.5 * energy / Double(pattern.frequencies.count) { each = false }
            }
            let on = loud && each && inTone >= 0.7 * energy
            update(p, on: on)
        }
        updateSIT(loud: loud, energy: energy)
    }

    private func update(_ p: Int, on: Bool) {
        // Mutated in place: no copy of the track's history on the media thread.
        if on == tracks[p].on {
            tracks[p].runMilliseconds += Self.blockMilliseconds
        } else {
            if tracks[p].runMilliseconds > 0 {
                if tracks[p].history.count == Self.historyLength { tracks[p].history.removeFirst() }
                tracks[p].history.append((tracks[p].on, tracks[p].runMilliseconds))
            }
            tracks[p].on = on
            tracks[p].runMilliseconds = Self.blockMilliseconds
        }
        tracks[p].quietMilliseconds = on ? 0 : tracks[p].quietMilliseconds + Self.blockMilliseconds
        if tracks[p].reported && tracks[p].quietMilliseconds >= 6000 {
            tracks[p].reported = false
            tracks[p].history.removeAll(keepingCapacity: true)
        }
        if !tracks[p].reported && matches(p) {
            tracks[p].reported = true
            events.push(CallProgressEvent(tone: patterns[p].tone, sample: samples))
        }
    }

    private static func close(_ actual: Int, _ expected: Int) -> Bool {
        abs(actual - expected) <= max(60, expected * 15 / 100)
    }

    /// Whether the runs seen so far fit the pattern: a continuous tone held long enough, or whole
    /// cadence cycles in step (two for cycles shorter than 1.5 s); the run in progress counts once
    /// it has lasted as long as expected (or 1 s), so ringback is known before its long silence ends.
    private func matches(_ p: Int) -> Bool {
        let pattern = patterns[p]
        let track = tracks[p]
        if pattern.cadence.isEmpty { return track.on && track.runMilliseconds >= pattern.hold }
        let needed = pattern.needed
        let history = track.history.count
        guard history + 1 >= needed else { return false }
        for start in stride(from: 0, to: pattern.cadence.count, by: 2) {
            var ok = true
            for j in 0..<needed {
                let isLast = j == needed - 1
                let (runOn, runMs) = isLast ? (track.on, track.runMilliseconds) : track.history[history - needed + 1 + j]
                let expectedIndex = (start + j) % pattern.cadence.count
                let expected = pattern.cadence[expectedIndex]
                guard runOn == (expectedIndex % 2 == 0) else { ok = false; break }
                if isLast {
                    let tolerance = max(60, expected * 15 / 100)
                    guard runMs + Self.blockMilliseconds >= min(expected, 1000) - 60, runMs <= expected + tolerance else {
                        ok = false
                        break
                    }
                } else if !Self.close(runMs, expected) {
                    ok = false
                    break
                }
            }
            if ok { return true }
        }
        return false
    }

    /// E.180 SIT: 950, 1400 and 1800 Hz in turn, each 274 to 400 ms.
    private func updateSIT(loud: Bool, energy: Double) {
        var current = -1
        if loud {
            for (n, f) in sitFrequencies.enumerated() where powers[f] >= 0.7 * energy { current = n }
        }
        if current == sitCurrent {
            sitRun += Self.blockMilliseconds
            return
        }
        if sitCurrent >= 0 {
            if sitRuns.count == 3 { sitRuns.removeFirst() }
            sitRuns.append((sitCurrent, sitRun))
        }
        sitCurrent = current
        sitRun = Self.blockMilliseconds
        guard current < 0, sitRuns.count == 3 else { return }
        let inOrder = sitRuns[0].0 == 0 && sitRuns[1].0 == 1 && sitRuns[2].0 == 2
        if inOrder && !sitReported && sitRuns.allSatisfy({ (250...425).contains($0.1) }) {
            sitReported = true
            events.push(CallProgressEvent(tone: .specialInformation, sample: samples))
        }
        if !inOrder { sitRuns.removeAll(keepingCapacity: true) }
    }
}
