/// What one call-progress tone of a zone looks like to the detector: the frequencies that must all
/// be present, and the on/off cadence they follow. Built once, when a detector is created.
struct CallProgressPattern {
    let tone: CallProgressTone
    /// Indices into the detector's frequency table; all must be present for the tone to be "on".
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

    /// Whether a loud block with these filter powers carries this tone: each frequency holds its
    /// share and together they hold 70% of the block's power.
    func sounds(in powers: UnsafeMutablePointer<Float>, energy: Float) -> Bool {
        let share = 0.5 * energy / Float(frequencies.count)
        var inTone: Float = 0
        for f in frequencies {
            let p = powers[f]
            if p < share { return false }
            inTone += p
        }
        return inTone >= 0.7 * energy
    }

    /// The patterns of a zone's dial, busy, ringback, congestion and special information tones;
    /// `index` maps a frequency to its slot in the detector's table. Tones the zone does not
    /// define, or defines in a form that cannot be detected (modulation only), are left out.
    static func patterns(of zone: ToneZone, index: (Double) -> Int) -> [CallProgressPattern] {
        var patterns: [CallProgressPattern] = []
        let wanted: [(ZoneTone, CallProgressTone)] = [
            (.dial, .dialTone), (.busy, .busy), (.ringback, .ringback), (.congestion, .congestion),
            (.specialInformation, .specialInformation),
        ]
        for (zoneTone, tone) in wanted {
            guard let text = zone.definition(of: zoneTone), let spec = try? ToneSpecification(text),
                  let pattern = pattern(tone, spec, index) else { continue }
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
        return patterns
    }

    /// The tone's frequencies and its repeating cadence, merged into on/off runs.
    private static func pattern(_ tone: CallProgressTone, _ spec: ToneSpecification,
                                _ index: (Double) -> Int) -> CallProgressPattern? {
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
                if cadence.isEmpty { return CallProgressPattern(tone: tone, frequencies: carrier.map(index), cadence: []) }
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
        return CallProgressPattern(tone: tone, frequencies: carrier.map(index), cadence: cadence)
    }
}
