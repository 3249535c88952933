import Foundation

/// Plays a `ToneSpecification` as linear samples, segment after segment, then loops from the first
/// segment after the last play-once one. Allocation-free after creation; one per channel and tone.
public final class ToneGenerator {
    private struct Step {
        var increments: (Double, Double)
        var count: Int
        var modulated: Bool
        var gain: Double
        /// Samples, or -1 for "until stopped".
        var samples: Int
    }

    private let steps: [Step]
    private let loopStart: Int
    private let amplitude: Double
    private var index = 0
    private var remaining: Int
    private var phases = (0.0, 0.0)

    /// `levelDBm0` for each frequency of a segment (zones use about -13 dBm0 per tone).
    public init(_ specification: ToneSpecification, levelDBm0: Double = -13) {
        steps = specification.segments.map { s in
            let f = s.frequencies
            return Step(increments: (f.count > 0 ? 2 * .pi * f[0] / 8000 : 0, f.count > 1 ? 2 * .pi * f[1] / 8000 : 0),
                        count: f.count, modulated: s.amplitudeModulated, gain: s.attenuated ? 0.316 : 1,
                        samples: s.milliseconds.map { $0 * 8 } ?? -1)
        }
        loopStart = specification.segments.lastIndex { $0.playedOnce }.map { $0 + 1 } ?? 0
        amplitude = 22_786 * pow(10, levelDBm0 / 20)
        remaining = steps.first?.samples ?? 0
    }

    /// Whether the tone has played out (only tones made of play-once segments end).
    public var isFinished: Bool { index >= steps.count }

    /// Fill `output`; returns how many samples were written (fewer only when the tone ended).
    public func render(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        var written = 0
        while written < output.count, index < steps.count {
            let step = steps[index]
            let n = step.samples < 0 ? output.count - written : min(remaining, output.count - written)
            for i in 0..<n {
                output[written + i] = sample(step)
            }
            written += n
            if step.samples >= 0 {
                remaining -= n
                if remaining == 0 { advance() }
            }
        }
        return written
    }

    private func sample(_ step: Step) -> Int16 {
        var value = 0.0
        switch (step.count, step.modulated) {
        case (0, _):
            value = 0
        case (1, _):
            value = sin(phases.0)
        case (_, true):
            value = sin(phases.0) * (1 + 0.5 * sin(phases.1)) / 1.5
        default:
            value = sin(phases.0) + sin(phases.1)
        }
        phases.0 = (phases.0 + step.increments.0).truncatingRemainder(dividingBy: 2 * .pi)
        phases.1 = (phases.1 + step.increments.1).truncatingRemainder(dividingBy: 2 * .pi)
        return Int16(clamping: Int((value * amplitude * step.gain).rounded()))
    }

    private func advance() {
        index += 1
        if index == steps.count, loopStart < steps.count { index = loopStart }
        if index < steps.count { remaining = steps[index].samples }
    }
}
