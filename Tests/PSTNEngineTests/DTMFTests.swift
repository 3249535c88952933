import Foundation
import PSTNEngine
import Testing

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

    /// A digit: both tones, optional frequency error (fraction), levels per tone.
    static func tone(_ digit: Character, ms: Int, lowDBm0: Double = -10, highDBm0: Double = -10,
                     deviation: Double = 0, phase: Double = 0) -> [Double] {
        let fl = low[digit]! * (1 + deviation)
        let fh = high[digit]! * (1 + deviation)
        let al = amplitude(lowDBm0)
        let ah = amplitude(highDBm0)
        return (0..<(ms * 8)).map { n in
            let t = Double(n) / 8000
            return al * sin(2 * .pi * fl * t + phase) + ah * sin(2 * .pi * fh * t + 2 * phase)
        }
    }

    static func silence(ms: Int) -> [Double] { [Double](repeating: 0, count: ms * 8) }
}

/// Run samples through a detector in 20 ms chunks; returns the digits and their durations (ms).
func detect(_ signal: [Double], limits: DTMFLimits = DTMFLimits()) -> [(Character, Double)] {
    let detector = DTMFDetector(limits: limits)
    let samples = signal.map { Int16(clamping: Int($0.rounded())) } + [Int16](repeating: 0, count: 800)
    var found: [(Character, Double)] = []
    var offset = 0
    while offset < samples.count {
        let end = min(offset + 160, samples.count)
        samples[offset..<end].withUnsafeBufferPointer { detector.process($0) }
        while let e = detector.nextEvent() {
            if case let .ended(duration) = e.kind { found.append((e.character, Double(duration) / 8)) }
        }
        offset = end
    }
    return found
}

@Suite("DTMF detection (ITU-T Q.24)")
struct DTMFTests {
    static let allDigits = Array("0123456789*#ABCD")

    @Test("every key is detected once, in order, with its duration")
    func allKeys() {
        var signal: [Double] = []
        for d in Self.allDigits { signal += DTMFSignal.tone(d, ms: 60) + DTMFSignal.silence(ms: 60) }
        let found = detect(signal)
        #expect(String(found.map(\.0)) == String(Self.allDigits))
        for (digit, ms) in found { #expect(abs(ms - 60) <= 25, "\(digit) lasted \(ms) ms") }
    }

    /// Where Debian's spandsp 0.0.6 receiver falls short of Q.24's ±1.5%: its 102-sample Goertzel
    /// bins lose the 941/1633 Hz tones that far off. The media issue owns the fix; these flip to
    /// failures ("known issue not recorded") once the detector accepts them.
    static let knownMisses: Set<String> = ["D+0.015", "C-0.015", "D-0.015"]

    @Test("frequencies within 1.5% are accepted", arguments: [-0.015, 0.015])
    func toleranceAccepted(deviation: Double) {
        for d in Self.allDigits {
            let key = "\(d)\(deviation > 0 ? "+" : "")\(deviation)"
            if Self.knownMisses.contains(key) {
                withKnownIssue("spandsp 0.0.6 misses \(key)") {
                    #expect(detect(DTMFSignal.tone(d, ms: 80, deviation: deviation)).map(\.0) == [d])
                }
            } else {
                #expect(detect(DTMFSignal.tone(d, ms: 80, deviation: deviation)).map(\.0) == [d], "\(key)")
            }
        }
    }

    @Test("frequencies off by 3.5% are rejected", arguments: [-0.035, 0.035])
    func toleranceRejected(deviation: Double) {
        for d in Self.allDigits {
            #expect(detect(DTMFSignal.tone(d, ms: 80, deviation: deviation)).isEmpty, "\(d) at \(deviation)")
        }
    }

    @Test("twist within limits is accepted, beyond them rejected")
    func twist() {
        // Normal twist: the high group weaker.
        #expect(detect(DTMFSignal.tone("5", ms: 80, lowDBm0: -8, highDBm0: -14)).map(\.0) == ["5"])
        #expect(detect(DTMFSignal.tone("5", ms: 80, lowDBm0: -6, highDBm0: -18)).isEmpty)
        // Reverse twist: the high group stronger.
        #expect(detect(DTMFSignal.tone("5", ms: 80, lowDBm0: -12, highDBm0: -9)).map(\.0) == ["5"])
        #expect(detect(DTMFSignal.tone("5", ms: 80, lowDBm0: -16, highDBm0: -8)).isEmpty)
    }

    @Test("levels from -3 down to -25 dBm0 per tone are accepted; -45 dBm0 is not", arguments: [-3.0, -10, -20, -25])
    func levels(dBm0: Double) {
        #expect(detect(DTMFSignal.tone("8", ms: 80, lowDBm0: dBm0, highDBm0: dBm0)).map(\.0) == ["8"])
    }

    @Test("a tone far below the threshold is ignored")
    func tooQuiet() {
        #expect(detect(DTMFSignal.tone("8", ms: 80, lowDBm0: -45, highDBm0: -45)).isEmpty)
    }

    @Test("40 ms keys with 40 ms pauses are all seen; 20 ms bursts are not", arguments: [0.0, 1.1, 2.3])
    func durations(phase: Double) {
        var signal: [Double] = []
        for d in "159#" { signal += DTMFSignal.tone(d, ms: 40, phase: phase) + DTMFSignal.silence(ms: 40) }
        #expect(String(detect(signal).map(\.0)) == "159#")
        var shortBursts: [Double] = DTMFSignal.silence(ms: Int(phase * 5))
        for d in "2580" { shortBursts += DTMFSignal.tone(d, ms: 20, phase: phase) + DTMFSignal.silence(ms: 60) }
        #expect(detect(shortBursts).isEmpty)
    }

    @Test("music-like chords and noise do not talk off")
    func talkOff() {
        // 60 s of piano-like chords (three notes with harmonics, changing every 200-700 ms).
        var state: UInt64 = 12_345
        func random() -> Double {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Double(state >> 11) / Double(1 << 53)
        }
        var music: [Double] = []
        while music.count < 60 * 8000 {
            let notes = (0..<3).map { _ in 220 * pow(2, Double(Int(random() * 36)) / 12) }
            let length = Int((0.2 + random() * 0.5) * 8000)
            for n in 0..<length {
                let t = Double(n) / 8000
                let envelope = exp(-3 * t)
                var s = 0.0
                for f in notes { for h in 1...4 { s += sin(2 * .pi * f * Double(h) * t) / Double(h * h) } }
                music.append(3000 * envelope * s)
            }
        }
        let found = detect(music)
        // spandsp 0.0.6 hears 5 digits in this minute of pure-tone chords; the media issue owns
        // talk-off on a real speech and music corpus. This flips to a failure once it is fixed.
        withKnownIssue("spandsp 0.0.6 talks off on synthetic chords") {
            #expect(found.count <= 2, "talk-off on music: \(found.map(\.0))")
        }
        var noise: [Double] = []
        for _ in 0..<(30 * 8000) { noise.append((random() - 0.5) * 8000) }
        #expect(detect(noise).isEmpty)
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
        #expect(String(detect(signal).map(\.0)) == "0123456789*#")
    }
}
