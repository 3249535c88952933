import Foundation
import PSTNEngine
import Testing

/// Print one measured figure on its own line, so a test run shows what the receiver achieves.
func reportDTMF(_ line: String) { print("DTMF measured: \(line)") }

/// The edge between accepting and rejecting, found by bisection: `accepts(inside)` holds and
/// `accepts(outside)` does not.
func acceptanceEdge(inside: Double, outside: Double, resolution: Double, accepts: (Double) -> Bool) -> Double {
    var a = inside
    var b = outside
    while abs(b - a) > resolution {
        let m = (a + b) / 2
        if accepts(m) { a = m } else { b = m }
    }
    return (a + b) / 2
}

@Suite("DTMF detection (ITU-T Q.24)")
struct DTMFTests {
    static let allDigits = Array("0123456789*#ABCD")
    /// A digit using each row (with 1209 Hz) and each column (with 697 Hz).
    static let rowDigits: [Character] = ["1", "4", "7", "*"]
    static let columnDigits: [Character] = ["1", "2", "3", "A"]

    @Test("every key is detected once, in order, with its duration")
    func allKeys() {
        var signal: [Double] = []
        for d in Self.allDigits { signal += DTMFSignal.tone(d, ms: 60) + DTMFSignal.silence(ms: 60) }
        let found = detect(signal)
        #expect(String(found.map(\.0)) == String(Self.allDigits))
        for (digit, ms) in found { #expect(abs(ms - 60) <= 5, "\(digit) lasted \(ms) ms") }
    }

    @Test("a channel's own sub-block grid (the media group's stagger) changes nothing: every key, its duration",
          arguments: [1, 8, 17, 24, 31])
    func staggeredGrid(blockOffset: Int) {
        var signal: [Double] = []
        for d in Self.allDigits { signal += DTMFSignal.tone(d, ms: 40) + DTMFSignal.silence(ms: 40) }
        let found = detect(signal, blockOffset: blockOffset)
        #expect(String(found.map(\.0)) == String(Self.allDigits), "offset \(blockOffset)")
        for (digit, ms) in found { #expect(abs(ms - 40) <= 5, "offset \(blockOffset): \(digit) lasted \(ms) ms") }
    }

    @Test("all 16 keys at 10 digits/s and faster: 40 ms tones with 40 ms pauses", arguments: [0.0, 1.1, 2.3])
    func fastDialling(phase: Double) {
        var signal = DTMFSignal.silence(ms: phase * 5)
        for d in Self.allDigits { signal += DTMFSignal.tone(d, ms: 40, phase: phase) + DTMFSignal.silence(ms: 40) }
        #expect(digits(signal) == String(Self.allDigits))
    }

    // MARK: Frequency tolerance (Q.24: accept ±1.5%, reject ±3.5%)

    @Test("every key is accepted with both tones off by ±1.5% and by ±(1.5% + 2 Hz)", arguments: [-1.0, 1.0])
    func toleranceAccepted(sign: Double) {
        for d in Self.allDigits {
            let plain = DTMFSignal.tone(d, ms: 60, deviation: sign * 0.015)
            #expect(digits(plain) == String(d), "\(d) at \(sign * 1.5)%")
            let low = sign * (0.015 + 2 / DTMFSignal.low[d]!)
            let high = sign * (0.015 + 2 / DTMFSignal.high[d]!)
            let widened = DTMFSignal.tone(d, ms: 60, lowDeviation: low, highDeviation: high)
            #expect(digits(widened) == String(d), "\(d) at \(sign * 1.5)% + 2 Hz")
        }
    }

    @Test("every key is rejected with either tone, or both, off by ±3.5%", arguments: [-1.0, 1.0])
    func toleranceRejected(sign: Double) {
        let off = sign * 0.035
        for d in Self.allDigits {
            #expect(digits(DTMFSignal.tone(d, ms: 80, deviation: off)).isEmpty, "\(d): both at \(off)")
            #expect(digits(DTMFSignal.tone(d, ms: 80, lowDeviation: off, highDeviation: 0)).isEmpty, "\(d): low at \(off)")
            #expect(digits(DTMFSignal.tone(d, ms: 80, lowDeviation: 0, highDeviation: off)).isEmpty, "\(d): high at \(off)")
        }
    }

    @Test("measured frequency acceptance edges of all eight tones lie between 1.5% and 3.5%")
    func toleranceEdges() {
        var table: [String] = []
        for (group, keys) in [("low", Self.rowDigits), ("high", Self.columnDigits)] {
            for d in keys {
                let nominal = group == "low" ? DTMFSignal.low[d]! : DTMFSignal.high[d]!
                var edges: [Double] = []
                for sign in [-1.0, 1.0] {
                    let edge = acceptanceEdge(inside: 1.5, outside: 3.5, resolution: 0.02) { percent in
                        let off = sign * percent / 100
                        let signal = group == "low"
                            ? DTMFSignal.tone(d, ms: 80, lowDeviation: off, highDeviation: 0)
                            : DTMFSignal.tone(d, ms: 80, lowDeviation: 0, highDeviation: off)
                        return digits(signal) == String(d)
                    }
                    #expect(edge > 1.5 && edge < 3.5, "\(Int(nominal)) Hz: edge at \(sign * edge)%")
                    edges.append(sign * edge)
                }
                table.append(String(format: "%.0f Hz %+.2f%%/%+.2f%%", nominal, edges[0], edges[1]))
            }
        }
        reportDTMF("frequency acceptance edges (limit 2.0%): " + table.joined(separator: ", "))
    }

    // MARK: Twist

    @Test("twist within the limits is accepted, beyond them rejected; measured edges near the limits",
          arguments: [(8, 4), (4, 8)])
    func twist(normalLimit: Int, reverseLimit: Int) {
        var limits = DTMFLimits()
        limits.normalTwistDB = normalLimit
        limits.reverseTwistDB = reverseLimit
        var measured: [String] = []
        for d: Character in ["1", "5", "9", "D"] {
            // Twist t dB: positive with the high group weaker (normal), negative when stronger.
            func accepts(_ t: Double) -> Bool {
                let signal = DTMFSignal.tone(d, ms: 80, lowDBm0: -10 - max(0, -t), highDBm0: -10 - max(0, t))
                return digits(signal, limits: limits) == String(d)
            }
            let normalLimit = Double(normalLimit)
            let reverseLimit = Double(reverseLimit)
            #expect(accepts(normalLimit - 1), "\(d): normal twist \(normalLimit - 1) dB")
            #expect(!accepts(normalLimit + 1.5), "\(d): normal twist \(normalLimit + 1.5) dB")
            #expect(accepts(-(reverseLimit - 1)), "\(d): reverse twist \(reverseLimit - 1) dB")
            #expect(!accepts(-(reverseLimit + 1.5)), "\(d): reverse twist \(reverseLimit + 1.5) dB")
            let normalEdge = acceptanceEdge(inside: normalLimit - 1, outside: normalLimit + 1.5, resolution: 0.05, accepts: accepts)
            let reverseEdge = acceptanceEdge(inside: reverseLimit - 1, outside: reverseLimit + 1.5, resolution: 0.05) { accepts(-$0) }
            #expect(abs(normalEdge - normalLimit) <= 0.5, "\(d): normal twist edge \(normalEdge) dB")
            #expect(abs(reverseEdge - reverseLimit) <= 0.5, "\(d): reverse twist edge \(reverseEdge) dB")
            measured.append(String(format: "%@ %.2f/%.2f", String(d), normalEdge, reverseEdge))
        }
        reportDTMF("twist edges normal/reverse dB (limits \(normalLimit)/\(reverseLimit)): " + measured.joined(separator: ", "))
    }

    // MARK: Level

    @Test("every key from -3 down to -35 dBm0 per tone is accepted; -37, -45 and -55 dBm0 are not")
    func levels() {
        for d in Self.allDigits {
            for level in [-3.0, -10, -25, -35] {
                #expect(digits(DTMFSignal.tone(d, ms: 60, lowDBm0: level, highDBm0: level)) == String(d), "\(d) at \(level) dBm0")
            }
            for level in [-37.0, -45, -55] {
                #expect(digits(DTMFSignal.tone(d, ms: 60, lowDBm0: level, highDBm0: level)).isEmpty, "\(d) at \(level) dBm0")
            }
        }
    }

    @Test("measured level threshold lies within 0.5 dB of the setting", arguments: [-36, -30])
    func levelEdge(threshold: Int) {
        var limits = DTMFLimits()
        limits.thresholdDBm0 = threshold
        var edges: [String] = []
        for d: Character in ["1", "5", "9", "D"] {
            let edge = acceptanceEdge(inside: Double(threshold) + 3, outside: Double(threshold) - 3, resolution: 0.05) { level in
                digits(DTMFSignal.tone(d, ms: 60, lowDBm0: level, highDBm0: level), limits: limits) == String(d)
            }
            #expect(abs(edge - Double(threshold)) <= 0.5, "\(d): threshold edge \(edge) dBm0")
            edges.append(String(format: "%@ %.2f", String(d), edge))
        }
        reportDTMF("level threshold edges for \(threshold) dBm0: " + edges.joined(separator: ", "))
    }

    // MARK: Timing

    /// Whether a burst of `ms` is recognised, for several alignments and phases.
    static func recognised(_ d: Character, ms: Double) -> [Bool] {
        (0..<8).map { k in
            let signal = DTMFSignal.silence(ms: Double(k) * 0.5 + 5) + DTMFSignal.tone(d, ms: ms, phase: Double(k) * 0.8)
            return digits(signal) == String(d)
        }
    }

    @Test("tones of 40 ms are always recognised, tones of 23 ms never")
    func durations() {
        for d in Self.allDigits {
            #expect(Self.recognised(d, ms: 40).allSatisfy { $0 }, "\(d): 40 ms")
            #expect(Self.recognised(d, ms: 23).allSatisfy { !$0 }, "\(d): 23 ms")
        }
    }

    @Test("measured shortest recognised tone lies between 23 and 40 ms")
    func durationEdge() {
        var longestIgnored = 0.0
        var shortestAccepted = 100.0
        for d: Character in ["1", "5", "9", "D"] {
            for ms in stride(from: 20.0, through: 44, by: 1) {
                let seen = Self.recognised(d, ms: ms)
                if seen.contains(true) { shortestAccepted = min(shortestAccepted, ms) }
                if seen.contains(false) { longestIgnored = max(longestIgnored, ms) }
            }
        }
        #expect(longestIgnored < 40 && shortestAccepted > 23, "ignored up to \(longestIgnored) ms, recognised from \(shortestAccepted) ms")
        reportDTMF("tone duration: sometimes recognised from \(Int(shortestAccepted)) ms, always from \(Int(longestIgnored) + 1) ms (limit 30)")
    }

    /// Two bursts of a key with a gap: how many digits are heard, for several alignments.
    static func split(_ d: Character, gap: Double, second: Character? = nil, alignments: Int = 8) -> [Int] {
        (0..<alignments).map { k in
            let signal = DTMFSignal.silence(ms: Double(k) * 0.5 + 5) + DTMFSignal.tone(d, ms: 60)
                + DTMFSignal.silence(ms: gap) + DTMFSignal.tone(second ?? d, ms: 60, phase: 1.3 + Double(k))
            return detect(signal).count
        }
    }

    @Test("a 40 ms pause separates two digits; a 10 ms interruption inside one does not split it")
    func interdigit() {
        for d: Character in ["1", "5", "9", "D", "0"] {
            #expect(Self.split(d, gap: 40).allSatisfy { $0 == 2 }, "\(d): 40 ms pause")
            #expect(Self.split(d, gap: 40, second: "8").allSatisfy { $0 == 2 }, "\(d) then 8: 40 ms pause")
            #expect(Self.split(d, gap: 10).allSatisfy { $0 == 1 }, "\(d): 10 ms interruption")
        }
        // The bridged digit lasts the whole 130 ms.
        let bridged = detect(DTMFSignal.tone("6", ms: 60) + DTMFSignal.silence(ms: 10) + DTMFSignal.tone("6", ms: 60, phase: 2))
        #expect(bridged.count == 1 && abs((bridged.first?.1 ?? 0) - 130) <= 5, "bridged: \(bridged)")
    }

    @Test("measured pause edge lies between a 10 ms interruption and a 40 ms pause")
    func pauseEdge() {
        var longestBridged = 0.0
        var shortestSplit = 100.0
        for d: Character in ["1", "5", "9", "D"] {
            for gap in stride(from: 8.0, through: 36, by: 1) {
                let counts = Self.split(d, gap: gap, alignments: 4)
                if counts.contains(2) { shortestSplit = min(shortestSplit, gap) }
                if counts.contains(1) { longestBridged = max(longestBridged, gap) }
            }
        }
        #expect(longestBridged < 40 && shortestSplit > 10, "bridged up to \(longestBridged) ms, split from \(shortestSplit) ms")
        reportDTMF("pause: sometimes separates from \(Int(shortestSplit)) ms, always from \(Int(longestBridged) + 1) ms (limit 25)")
    }

    @Test("reported durations are within 5 ms of the tone's length")
    func reportedDurations() {
        var worst = 0.0
        for ms in [40.0, 45, 50, 60, 80, 100, 200, 500] {
            for k in 0..<8 {
                let found = detect(DTMFSignal.silence(ms: Double(k) * 0.5) + DTMFSignal.tone("9", ms: ms, phase: Double(k)))
                #expect(found.count == 1, "\(ms) ms")
                if let (_, measured) = found.first {
                    worst = max(worst, abs(measured - ms))
                    #expect(abs(measured - ms) <= 5, "\(ms) ms tone reported as \(measured) ms")
                }
            }
        }
        reportDTMF("duration error at most \(worst) ms over 40-500 ms tones")
    }

    @Test("events carry the sample counts at which they were raised, whatever the chunk size")
    func chunkSizes() {
        var signal = DTMFSignal.silence(ms: 13)
        for d in "7#D" { signal += DTMFSignal.tone(d, ms: 70) + DTMFSignal.silence(ms: 50) }
        let samples = signal.map { Int16(clamping: Int($0.rounded())) } + [Int16](repeating: 0, count: 800)
        let reference = detectEvents(samples, chunk: 160)
        #expect(reference.count == 6)
        #expect(reference.first?.kind == .began && reference.first?.sample ?? 0 > 13 * 8)
        for chunk in [1, 8, 37, 1000] { #expect(detectEvents(samples, chunk: chunk) == reference, "chunk \(chunk)") }
    }

    // MARK: Line conditions

    static func sixteenKeys(levelDBm0: Double, seed: UInt64) -> [Double] {
        var random = TestRandom(seed: seed)
        var signal: [Double] = []
        for d in allDigits {
            signal += DTMFSignal.tone(d, ms: 50, lowDBm0: levelDBm0, highDBm0: levelDBm0, phase: 6 * random.next())
                + DTMFSignal.silence(ms: 50)
        }
        return signal
    }

    @Test("every key is heard in white noise at 12 dB SNR; measured lowest SNR")
    func noise() {
        let digitPower = DTMFSignal.power(DTMFSignal.tone("5", ms: 100, lowDBm0: -20, highDBm0: -20))
        func allHeard(snr: Double) -> Bool {
            (1...3).allSatisfy { seed in
                var random = TestRandom(seed: UInt64(seed) * 977)
                let noisy = random.addNoise(to: Self.sixteenKeys(levelDBm0: -20, seed: UInt64(seed)), snr: snr, reference: digitPower)
                return digits(noisy) == String(Self.allDigits)
            }
        }
        #expect(allHeard(snr: 12))
        var lowest = 12.0
        while lowest > 0 && allHeard(snr: lowest - 1) { lowest -= 1 }
        #expect(lowest <= 12)
        reportDTMF("all 16 keys (-20 dBm0 per tone, 50/50 ms) heard down to \(Int(lowest)) dB SNR in white noise")
    }

    @Test("every key survives A-law and mu-law at -3 and -25 dBm0", arguments: [G711.aLaw, G711.muLaw])
    func companded(law: G711) {
        for level in [-3.0, -25] {
            let signal = Self.sixteenKeys(levelDBm0: level, seed: 5).map { law.decode(law.encode(Int16(clamping: Int($0.rounded())))) }
            #expect(digits(signal.map(Double.init)) == String(Self.allDigits), "\(law) at \(level) dBm0")
        }
    }

    @Test("with the dial-tone filter, keys pressed over dial tone are heard")
    func overDialTone() {
        var limits = DTMFLimits()
        limits.filterDialTone = true
        let keys = Self.sixteenKeys(levelDBm0: -10, seed: 9)
        let a = DTMFSignal.amplitude(-13)
        let withDialTone = keys.enumerated().map { n, x in
            let t = Double(n) / 8000
            return x + a * sin(2 * .pi * 350 * t) + a * sin(2 * .pi * 440 * t)
        }
        #expect(digits(withDialTone, limits: limits) == String(Self.allDigits))
        #expect(digits(keys, limits: limits) == String(Self.allDigits))
        #expect(digits(DTMFSignal.tone("5", ms: 80, deviation: 0.015), limits: limits) == "5")
    }

    @Test("the generator's digits are detected back")
    func generatorRoundTrip() {
        let generator = DTMFGenerator(levelDBm0: -10, twistDB: 2, onMilliseconds: 50, offMilliseconds: 50)
        #expect(generator.queue("0123456789*#"))
        #expect(!generator.queue("12X"))
        #expect(!generator.queue(""))
        var out = [Int16](repeating: 0, count: 160)
        var signal: [Double] = []
        while true {
            let n = out.withUnsafeMutableBufferPointer { generator.render(into: $0) }
            if n == 0 { break }
            signal += out[0..<n].map(Double.init)
        }
        #expect(digits(signal) == "0123456789*#")
    }
}
