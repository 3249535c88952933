import Foundation

/// Decides, for each new window of a `DTMFSpectrum`, whether it holds a valid DTMF pair and which.
///
/// Checks, cheapest first (each must pass):
/// 1. enough signal, and in each group one frequency at least 8 dB above the other three;
/// 2. each tone's measured frequency within the tolerance of its nominal one;
/// 3. each tone's level (corrected for the window's loss at its measured offset) above the
///    threshold, and their difference within the normal and reverse twist;
/// 4. the two tones carry most of the signal's power (in-band fraction);
/// 5. both tones steady across the two compared windows;
/// 6. purity: no harmonic-series neighbours. Voiced speech and instruments that put two
///    harmonics of one fundamental on a row and a column frequency also sound the harmonics next
///    to them (f_col + d and f_row - d, d = f_col - f_row) and the column's second harmonic; a
///    DTMF sender's extraneous components must stay 20 dB down (Q.23). Measured with
///    Hann-windowed probes at the measured frequencies.
struct DTMFToneAnalyzer {
    /// Another tone of the same group within this of the strongest: not one clean tone.
    static let relativePeak: Float = 6.31
    /// Share of the signal power the two tones must carry (-1.5 dB).
    static let inBandFraction: Float = 0.708
    /// Largest power change of a tone between the two compared windows (3 dB).
    static let steadiness: Float = 2.0
    /// Largest harmonic-neighbour power relative to the weaker tone (-14 dB): 6 dB above what Q.23
    /// lets a sender radiate, 2 dB below an instrument whose harmonics fall as 1/n^2 (-12 dB).
    static let purity: Float = 0.040
    /// Below this a neighbour frequency is too close to DC (or to the tone itself) to judge.
    static let lowestNeighbour: Float = 150
    /// A row's second harmonic is only judged this far from the column tone.
    static let harmonicClearance: Float = 200
    /// Keys by row * 4 + column; a compile-time constant, so reading it never allocates or locks.
    static var keys: StaticString { "123A456B789C*0#D" }

    let thresholdPower: Float
    let normalTwist: Float
    let reverseTwist: Float
    let tolerance: Float

    init(limits: DTMFLimits) {
        // 0 dBm0 is a sine 3.14 dB below the 16-bit full scale (peak 22786); power A^2/2.
        let reference: Float = 22786 * 22786 / 2
        thresholdPower = reference * Float(pow(10, Double(max(-70, min(0, limits.thresholdDBm0))) / 10))
        normalTwist = Float(pow(10, Double(max(0, min(20, limits.normalTwistDB))) / 10))
        reverseTwist = Float(pow(10, Double(max(0, min(20, limits.reverseTwistDB))) / 10))
        tolerance = Float(max(0.5, min(6, limits.frequencyTolerancePercent)) / 100)
    }

    /// The key whose pair the newest window holds, as ASCII, or 0.
    func verdict(_ s: DTMFSpectrum) -> UInt8 {
        // Two tones at the threshold make at least this much power.
        guard s.totalPower >= thresholdPower else { return 0 }
        let row = strongest(s, from: 0)
        let column = strongest(s, from: 4)
        let rowPower = s.power(row)
        let columnPower = s.power(column)
        // Allow for the window's loss off-frequency before the levels are corrected.
        guard rowPower >= thresholdPower / 4, columnPower >= thresholdPower / 4 else { return 0 }
        guard isAlone(s, row, from: 0), isAlone(s, column, from: 4) else { return 0 }

        let rowOffset = s.deviation(row)
        let columnOffset = s.deviation(column)
        let rowFrequency = s.frequency(row)
        let columnFrequency = s.frequency(column)
        guard abs(rowOffset) <= tolerance * rowFrequency, abs(columnOffset) <= tolerance * columnFrequency else { return 0 }

        let rowLevel = rowPower / Self.windowGain(rowOffset)
        let columnLevel = columnPower / Self.windowGain(columnOffset)
        guard rowLevel >= thresholdPower, columnLevel >= thresholdPower else { return 0 }
        guard rowLevel <= columnLevel * normalTwist, columnLevel <= rowLevel * reverseTwist else { return 0 }
        guard rowLevel + columnLevel >= Self.inBandFraction * s.totalPower else { return 0 }
        guard isSteady(s, row), isSteady(s, column) else { return 0 }
        guard isPure(s, row: rowFrequency + rowOffset, column: columnFrequency + columnOffset) else { return 0 }
        return Self.keys.utf8Start[row * 4 + column - 4]
    }

    private func strongest(_ s: DTMFSpectrum, from first: Int) -> Int {
        var best = first
        for b in (first + 1)..<(first + 4) where s.power(b) > s.power(best) { best = b }
        return best
    }

    private func isAlone(_ s: DTMFSpectrum, _ best: Int, from first: Int) -> Bool {
        let limit = s.power(best)
        for b in first..<(first + 4) where b != best && s.power(b) * Self.relativePeak > limit { return false }
        return true
    }

    private func isSteady(_ s: DTMFSpectrum, _ b: Int) -> Bool {
        let now = s.power(b)
        let before = s.earlierPower(b)
        return now <= before * Self.steadiness && before <= now * Self.steadiness
    }

    private func isPure(_ s: DTMFSpectrum, row: Float, column: Float) -> Bool {
        let spacing = column - row
        let below = abs(row - spacing)
        let nyquistMargin: Float = 3950
        // The two tones first (the reference), then the neighbours that apply to this pair.
        let f = s.probeFrequencies
        f[0] = row
        f[1] = column
        var count = 2
        if 2 * column < nyquistMargin {
            f[count] = 2 * column
            count += 1
        }
        if column + spacing < nyquistMargin {
            f[count] = column + spacing
            count += 1
        }
        if below >= Self.lowestNeighbour {
            f[count] = below
            count += 1
        }
        if abs(2 * row - column) >= Self.harmonicClearance {
            f[count] = 2 * row
            count += 1
        }
        s.probe(count)
        let p = s.probePowers
        let limit = Self.purity * min(p[0], p[1])
        for i in 2..<count where p[i] > limit { return false }
        return true
    }

    /// Power a rectangular window of the analysis length keeps of a sine `offset` Hz from the
    /// frequency it is tuned to: sinc^2.
    private static func windowGain(_ offset: Float) -> Float {
        let x = Float.pi * offset * Float(DTMFSpectrum.window) / DTMFSpectrum.sampleRate
        guard abs(x) > 1e-4 else { return 1 }
        let g = sin(x) / x
        return g * g
    }
}
