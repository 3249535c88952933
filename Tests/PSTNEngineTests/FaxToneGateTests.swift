import CSpanDSP
import Foundation
import PSTNEngine
import Testing

/// Fax tones on a line: levels, twist, frequency error, noise and where the tone starts, for the
/// tests that would catch a band gate in front of the receivers that is too strict.
enum FaxLine {
    /// Peak amplitude of a sine at `dBm0`.
    static func amplitude(_ dBm0: Double) -> Double { DTMFSignal.amplitude(dBm0) }

    /// RMS of noise at `dBm0` (0 dBm0 is a sine of amplitude 22786).
    static func rms(_ dBm0: Double) -> Double { amplitude(dBm0) / 2.0.squareRoot() }

    static func cng(seconds: Double, dBm0: Double, frequency: Double = 1100) -> [Double] {
        let a = amplitude(dBm0)
        return (0..<Int(seconds * 8000)).map { n in
            let t = Double(n) / 8000
            return t.truncatingRemainder(dividingBy: 3.5) < 0.5 ? a * sin(2 * .pi * frequency * t) : 0
        }
    }

    static func answer(seconds: Double, dBm0: Double, reversals: Bool, am: Bool, frequency: Double = 2100) -> [Double] {
        let a = amplitude(dBm0)
        return (0..<Int(seconds * 8000)).map { n in
            let t = Double(n) / 8000
            let phase = reversals && Int(t / 0.45) % 2 == 1 ? Double.pi : 0
            let envelope = am ? 1 + 0.2 * sin(2 * .pi * 15 * t) : 1
            return a * envelope * sin(2 * .pi * frequency * t + phase)
        }
    }

    /// V.21 channel 2 HDLC flags with mark (1650 Hz) and space (1850 Hz) at their own levels.
    static func v21Flags(seconds: Double, markDBm0: Double, spaceDBm0: Double) -> [Double] {
        let flagBits = [0, 1, 1, 1, 1, 1, 1, 0]
        let mark = amplitude(markDBm0)
        let space = amplitude(spaceDBm0)
        var phase = 0.0
        return (0..<Int(seconds * 8000)).map { n in
            let bit = flagBits[(n * 300 / 8000) % 8]
            phase += 2 * .pi * (bit == 1 ? 1650 : 1850) / 8000
            return (bit == 1 ? mark : space) * sin(phase)
        }
    }

    /// `signal` after `delay` samples of line, with speech-band noise at `noiseDBm0` throughout.
    static func onLine(_ signal: [Double], delay: Int = 0, noiseDBm0: Double?, seed: UInt64 = 17) -> [Int16] {
        var noise = SpeechBandNoise(seed: seed, rms: rms(noiseDBm0 ?? -200))
        let padded = [Double](repeating: 0, count: delay) + signal
        return padded.map { Int16(clamping: Int(($0 + (noiseDBm0 == nil ? 0 : noise.next())).rounded())) }
    }

    /// Speech-like noise: speech-band noise in syllable-length bursts and pauses, varying in level.
    static func speechLike(seconds: Double, dBm0: Double, seed: UInt64) -> [Int16] {
        var noise = SpeechBandNoise(seed: seed, rms: rms(dBm0))
        var state = seed | 1
        var gain = 1.0
        return (0..<Int(seconds * 8000)).map { n in
            if n % 1200 == 0 {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                // 150 ms syllables: a pause one time in four, otherwise -10 to +4 dB.
                gain = state % 4 == 0 ? 0.02 : pow(10, (Double(state % 15) - 10) / 20)
            }
            return Int16(clamping: Int((gain * noise.next()).rounded()))
        }
    }
}

/// What a detector reported: the tones and the sample count of each.
typealias FaxDetections = [(tone: FaxTone, sample: UInt64)]

/// Run audio through the detector in chunks of `chunk` samples.
func faxDetections(_ audio: [Int16], chunk: Int) -> FaxDetections {
    let detector = FaxToneDetector()
    var found: FaxDetections = []
    var offset = 0
    while offset < audio.count {
        let end = min(offset + chunk, audio.count)
        audio[offset..<end].withUnsafeBufferPointer { detector.process($0) }
        while let e = detector.nextEvent() { found.append((e.tone, e.sample)) }
        offset = end
    }
    return found
}

/// The three spandsp receivers fed every sample, with no gate: what the detector must match.
func ungatedFaxDetections(_ audio: [Int16], chunk: Int) -> FaxDetections {
    let types = [MODEM_CONNECT_TONES_FAX_CNG, MODEM_CONNECT_TONES_ANSAM_PR, MODEM_CONNECT_TONES_FAX_PREAMBLE]
    let receivers = types.map { modem_connect_tones_rx_init(nil, Int32($0), nil, nil)! }
    defer { for r in receivers { modem_connect_tones_rx_free(r) } }
    var reported: Set<Int32> = []
    var found: FaxDetections = []
    var offset = 0
    while offset < audio.count {
        let end = min(offset + chunk, audio.count)
        for r in receivers {
            audio[offset..<end].withUnsafeBufferPointer { _ = modem_connect_tones_rx(r, $0.baseAddress!, Int32($0.count)) }
            let code = modem_connect_tones_rx_get(r)
            guard code > 0, !reported.contains(code) else { continue }
            reported.insert(code)
            let tone: FaxTone? = switch Int(code) {
            case Int(MODEM_CONNECT_TONES_FAX_CNG): .calling
            case Int(MODEM_CONNECT_TONES_ANS): .answer
            case Int(MODEM_CONNECT_TONES_ANS_PR): .answerWithPhaseReversals
            case Int(MODEM_CONNECT_TONES_ANSAM): .answerAmplitudeModulated(phaseReversals: false)
            case Int(MODEM_CONNECT_TONES_ANSAM_PR): .answerAmplitudeModulated(phaseReversals: true)
            case Int(MODEM_CONNECT_TONES_FAX_PREAMBLE): .v21Preamble
            default: nil
            }
            if let tone { found.append((tone, UInt64(end))) }
        }
        offset = end
    }
    return found
}

/// Whether two runs found the same tones, in order, each within `slack` samples of the other.
func sameDetections(_ a: FaxDetections, _ b: FaxDetections, slack: UInt64) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.tone == $1.tone && max($0.sample, $1.sample) - min($0.sample, $1.sample) <= slack }
}

@Suite("Fax tone detection at the edges of the band gate")
struct FaxToneGateTests {
    /// Weak and noisy tones at the limits of what the receivers hear, and what each must give.
    static let weakTones: [(String, [Int16], FaxTone)] = [
        ("CNG at -43 dBm0", FaxLine.onLine(FaxLine.cng(seconds: 4, dBm0: -43), noiseDBm0: -60), .calling),
        ("CNG at -43 dBm0, 1130 Hz", FaxLine.onLine(FaxLine.cng(seconds: 4, dBm0: -43, frequency: 1130), noiseDBm0: -60), .calling),
        ("CED at -43 dBm0", FaxLine.onLine(FaxLine.answer(seconds: 3, dBm0: -43, reversals: false, am: false), noiseDBm0: -60), .answer),
        ("CED at -43 dBm0, 2112 Hz", FaxLine.onLine(FaxLine.answer(seconds: 3, dBm0: -43, reversals: false, am: false, frequency: 2112), noiseDBm0: -60), .answer),
        ("ANS with reversals at -43 dBm0", FaxLine.onLine(FaxLine.answer(seconds: 3, dBm0: -43, reversals: true, am: false), noiseDBm0: -60),
         .answerWithPhaseReversals),
        // spandsp's ANS receiver loses ANSam below about -42 dBm0 (its AM troughs fall under its floor).
        ("ANSam at -40 dBm0", FaxLine.onLine(FaxLine.answer(seconds: 3, dBm0: -40, reversals: false, am: true), noiseDBm0: -60),
         .answerAmplitudeModulated(phaseReversals: false)),
        ("ANSam with reversals at -40 dBm0", FaxLine.onLine(FaxLine.answer(seconds: 3, dBm0: -40, reversals: true, am: true), noiseDBm0: -60),
         .answerAmplitudeModulated(phaseReversals: true)),
        ("V.21 at -43 dBm0", FaxLine.onLine(FaxLine.v21Flags(seconds: 1.5, markDBm0: -43, spaceDBm0: -43), noiseDBm0: -60), .v21Preamble),
        ("V.21 mark 6 dB over space", FaxLine.onLine(FaxLine.v21Flags(seconds: 1.5, markDBm0: -40, spaceDBm0: -46), noiseDBm0: -60), .v21Preamble),
        ("V.21 space 6 dB over mark", FaxLine.onLine(FaxLine.v21Flags(seconds: 1.5, markDBm0: -46, spaceDBm0: -40), noiseDBm0: -60), .v21Preamble),
        ("CNG 18 dB over speech-band noise", FaxLine.onLine(FaxLine.cng(seconds: 4, dBm0: -20), noiseDBm0: -38), .calling),
        ("CED 18 dB over speech-band noise", FaxLine.onLine(FaxLine.answer(seconds: 3, dBm0: -20, reversals: false, am: false), noiseDBm0: -38), .answer),
        ("V.21 4 dB over speech-band noise", FaxLine.onLine(FaxLine.v21Flags(seconds: 2, markDBm0: -20, spaceDBm0: -20), noiseDBm0: -24), .v21Preamble),
    ]

    @Test("weak, twisted, off-frequency and noisy fax tones are still heard", arguments: weakTones.indices)
    func weakTonesHeard(index: Int) {
        let (name, audio, expected) = Self.weakTones[index]
        let found = faxDetections(audio, chunk: 160)
        #expect(found.map(\.tone) == [expected], "\(name): found \(found)")
    }

    @Test("CNG among speech is heard as soon as without the gate")
    func callingInSpeech() {
        // Speech-like bursts, then CNG with the talker still going 20 dB under it.
        var audio = FaxLine.speechLike(seconds: 3, dBm0: -20, seed: 5)
        let talker = FaxLine.speechLike(seconds: 4, dBm0: -40, seed: 6)
        let cng = FaxLine.onLine(FaxLine.cng(seconds: 4, dBm0: -20), noiseDBm0: nil)
        audio += zip(cng, talker).map { Int16(clamping: Int($0) + Int($1)) }
        let found = faxDetections(audio, chunk: 160)
        #expect(found.map(\.tone) == [.calling], "found \(found)")
        #expect(sameDetections(found, ungatedFaxDetections(audio, chunk: 160), slack: 160))
        // 415 ms of tone is what the receiver asks for: found within 0.5 s of the tone's start.
        #expect((found.first?.sample ?? .max) <= 24_000 + 4_000)
    }

    /// Each kind of tone, starting at a few places inside a chunk.
    static let starts: [(String, [Double])] = [
        ("CNG", FaxLine.cng(seconds: 4, dBm0: -20)),
        ("CED", FaxLine.answer(seconds: 3, dBm0: -20, reversals: false, am: false)),
        ("ANS with reversals", FaxLine.answer(seconds: 3, dBm0: -20, reversals: true, am: false)),
        ("ANSam with reversals", FaxLine.answer(seconds: 3, dBm0: -20, reversals: true, am: true)),
        ("V.21", FaxLine.v21Flags(seconds: 1.5, markDBm0: -20, spaceDBm0: -20)),
    ]

    @Test("tones starting anywhere in a chunk give the same detections in 1 ms and 20 ms chunks as without the gate",
          arguments: starts.indices)
    func chunkSizes(index: Int) {
        let (name, signal) = Self.starts[index]
        for delay in [0, 37, 80, 123, 159, 1001] {
            let audio = FaxLine.onLine(signal, delay: delay, noiseDBm0: -50)
            let small = faxDetections(audio, chunk: 8)
            let large = faxDetections(audio, chunk: 160)
            #expect(!small.isEmpty, "\(name) after \(delay): nothing found")
            #expect(sameDetections(small, large, slack: 160), "\(name) after \(delay): 8 → \(small), 160 → \(large)")
            // Without a gate the receivers find the same, no sooner (the gate's decisions fall
            // on whole 10 ms blocks, so a report can come up to a block earlier in 20 ms chunks).
            #expect(sameDetections(small, ungatedFaxDetections(audio, chunk: 8), slack: 0), "\(name) after \(delay), 1 ms chunks")
            #expect(sameDetections(large, ungatedFaxDetections(audio, chunk: 160), slack: 80), "\(name) after \(delay), 20 ms chunks")
        }
    }

    @Test("the gate passes what the ungated receivers hear, for every weak tone")
    func matchesUngated() {
        for (name, audio, _) in Self.weakTones {
            #expect(sameDetections(faxDetections(audio, chunk: 8), ungatedFaxDetections(audio, chunk: 8), slack: 0), "\(name)")
        }
    }

    @Test("30 s of speech-like noise at any level is not a fax tone")
    func noFalseTones() {
        for (level, seed) in [(-10.0, 1 as UInt64), (-25, 2), (-40, 3), (-55, 4)] {
            let audio = FaxLine.speechLike(seconds: 30, dBm0: level, seed: seed)
            #expect(faxDetections(audio, chunk: 160).isEmpty, "speech-like noise at \(level) dBm0")
            #expect(faxDetections(audio, chunk: 8).isEmpty, "speech-like noise at \(level) dBm0, 1 ms chunks")
        }
    }
}
