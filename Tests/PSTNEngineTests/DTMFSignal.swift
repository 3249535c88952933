import Foundation
import PSTNEngine

/// Test signals for DTMF, built here (not with the generator under test).
enum DTMFSignal {
    static let low: [Character: Double] = [
        "1": 697, "2": 697, "3": 697, "A": 697, "4": 770, "5": 770, "6": 770, "B": 770,
        "7": 852, "8": 852, "9": 852, "C": 852, "*": 941, "0": 941, "#": 941, "D": 941,
    ]
    static let high: [Character: Double] = [
        "1": 1209, "4": 1209, "7": 1209, "*": 1209, "2": 1336, "5": 1336, "8": 1336, "0": 1336,
        "3": 1477, "6": 1477, "9": 1477, "#": 1477, "A": 1633, "B": 1633, "C": 1633, "D": 1633,
    ]

    /// Peak amplitude of a sine at `dBm0` (0 dBm0 is 3.14 dB below full scale).
    static func amplitude(_ dBm0: Double) -> Double { 22_786 * pow(10, dBm0 / 20) }

    /// A digit: both tones, optional frequency error (fraction; per group if given), levels per tone.
    static func tone(_ digit: Character, ms: Double, lowDBm0: Double = -10, highDBm0: Double = -10,
                     deviation: Double = 0, lowDeviation: Double? = nil, highDeviation: Double? = nil,
                     phase: Double = 0) -> [Double] {
        let fl = low[digit]! * (1 + (lowDeviation ?? deviation))
        let fh = high[digit]! * (1 + (highDeviation ?? deviation))
        let al = amplitude(lowDBm0)
        let ah = amplitude(highDBm0)
        return (0..<Int(ms * 8)).map { n in
            let t = Double(n) / 8000
            return al * sin(2 * .pi * fl * t + phase) + ah * sin(2 * .pi * fh * t + 2 * phase)
        }
    }

    static func silence(ms: Double) -> [Double] { [Double](repeating: 0, count: Int(ms * 8)) }

    /// Mean power of a signal.
    static func power(_ signal: [Double]) -> Double { signal.reduce(0) { $0 + $1 * $1 } / Double(max(1, signal.count)) }
}

/// A small deterministic generator (xorshift) for test noise and test music.
struct TestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed | 1 }

    /// Uniform in [0, 1).
    mutating func next() -> Double {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Double(state >> 11) / Double(1 << 53)
    }

    /// Gaussian, mean 0, standard deviation 1 (Box-Muller).
    mutating func gaussian() -> Double {
        let u = max(next(), 1e-12)
        return sqrt(-2 * log(u)) * cos(2 * .pi * next())
    }

    /// `signal` plus white Gaussian noise `snr` dB below `reference` power.
    mutating func addNoise(to signal: [Double], snr: Double, reference: Double) -> [Double] {
        let sigma = sqrt(reference / pow(10, snr / 10))
        return signal.map { $0 + sigma * gaussian() }
    }
}

/// Run samples through a detector in chunks (20 ms unless told); returns every event.
func detectEvents(_ samples: [Int16], limits: DTMFLimits = DTMFLimits(), chunk: Int = 160,
                  blockOffset: Int = 0) -> [DTMFEvent] {
    let detector = DTMFDetector(limits: limits, blockOffset: blockOffset)
    var found: [DTMFEvent] = []
    var offset = 0
    while offset < samples.count {
        let end = min(offset + chunk, samples.count)
        samples[offset..<end].withUnsafeBufferPointer { detector.process($0) }
        while let e = detector.nextEvent() { found.append(e) }
        offset = end
    }
    return found
}

/// Run a signal (plus 100 ms of silence, to let the last key end) through a detector; returns the
/// digits and their measured durations (ms).
func detect(_ signal: [Double], limits: DTMFLimits = DTMFLimits(), blockOffset: Int = 0) -> [(Character, Double)] {
    let samples = signal.map { Int16(clamping: Int($0.rounded())) } + [Int16](repeating: 0, count: 800)
    return detectEvents(samples, limits: limits, blockOffset: blockOffset).compactMap { e in
        if case let .ended(duration) = e.kind { return (e.character, Double(duration) / 8) }
        return nil
    }
}

/// The digits found in a signal, as a string.
func digits(_ signal: [Double], limits: DTMFLimits = DTMFLimits()) -> String {
    String(detect(signal, limits: limits).map(\.0))
}
