import Foundation
import PSTNEngine
import Testing

/// Run a signal through a detector in 20 ms chunks; the tones it reported.
func faxTones(_ signal: [Double], blockOffset: Int = 0) -> [FaxTone] {
    let detector = FaxToneDetector(blockOffset: blockOffset)
    let samples = signal.map { Int16(clamping: Int($0.rounded())) }
    var found: [FaxTone] = []
    var offset = 0
    while offset < samples.count {
        let end = min(offset + 160, samples.count)
        samples[offset..<end].withUnsafeBufferPointer { detector.process($0) }
        while let e = detector.nextEvent() { found.append(e.tone) }
        offset = end
    }
    return found
}

/// Fax and modem tones, built here from their definitions (T.30, V.25, V.8, V.21).
enum FaxSignal {
    static let level = DTMFSignal.amplitude(-12)

    static func cng(seconds: Double) -> [Double] {
        (0..<Int(seconds * 8000)).map { n in
            let t = Double(n) / 8000
            return t.truncatingRemainder(dividingBy: 3.5) < 0.5 ? level * sin(2 * .pi * 1100 * t) : 0
        }
    }

    /// 2100 Hz; `reversals` flips the phase every 450 ms; `am` adds 15 Hz modulation at 20%.
    static func answer(seconds: Double, reversals: Bool, am: Bool) -> [Double] {
        (0..<Int(seconds * 8000)).map { n in
            let t = Double(n) / 8000
            let phase = reversals && Int(t / 0.45) % 2 == 1 ? Double.pi : 0
            let envelope = am ? 1 + 0.2 * sin(2 * .pi * 15 * t) : 1
            return level * envelope * sin(2 * .pi * 2100 * t + phase)
        }
    }

    /// V.21 channel 2 (1650 Hz mark, 1850 Hz space) at 300 bit/s, sending HDLC flags.
    static func v21Flags(seconds: Double) -> [Double] {
        let flagBits = [0, 1, 1, 1, 1, 1, 1, 0]
        var phase = 0.0
        return (0..<Int(seconds * 8000)).map { n in
            let bit = flagBits[(n * 300 / 8000) % 8]
            phase += 2 * .pi * (bit == 1 ? 1650 : 1850) / 8000
            return level * sin(phase)
        }
    }
}

@Suite("Fax and modem tone detection")
struct FaxToneDetectorTests {
    @Test("CNG from a calling fax is heard")
    func calling() {
        #expect(faxTones(FaxSignal.cng(seconds: 4)) == [.calling])
    }

    @Test("a channel's own block grid (the media group's stagger) changes nothing", arguments: [8, 40, 79])
    func staggeredGrid(blockOffset: Int) {
        #expect(faxTones(FaxSignal.cng(seconds: 4), blockOffset: blockOffset) == [.calling])
        for signal in [FaxSignal.answer(seconds: 3, reversals: true, am: false),
                       FaxSignal.answer(seconds: 3, reversals: true, am: true), FaxSignal.v21Flags(seconds: 2)] {
            let usual = faxTones(signal)
            #expect(!usual.isEmpty && faxTones(signal, blockOffset: blockOffset) == usual, "offset \(blockOffset)")
        }
    }

    @Test("CED, ANS with phase reversals and ANSam are told apart")
    func answerTones() {
        #expect(faxTones(FaxSignal.answer(seconds: 3, reversals: false, am: false)).first == .answer)
        #expect(faxTones(FaxSignal.answer(seconds: 3, reversals: true, am: false)).contains(.answerWithPhaseReversals))
        #expect(faxTones(FaxSignal.answer(seconds: 3, reversals: false, am: true)).contains(.answerAmplitudeModulated(phaseReversals: false)))
        #expect(faxTones(FaxSignal.answer(seconds: 3, reversals: true, am: true)).contains(.answerAmplitudeModulated(phaseReversals: true)))
    }

    @Test("the V.21 preamble of a fax already talking is heard")
    func preamble() {
        #expect(faxTones(FaxSignal.v21Flags(seconds: 1.5)).contains(.v21Preamble))
    }

    @Test("speech-band noise, DTMF and a 1 kHz test tone are not fax tones")
    func noFalseTones() {
        var noise = SpeechBandNoise(seed: 3, rms: 3000)
        #expect(faxTones((0..<(20 * 8000)).map { _ in noise.next() }).isEmpty)
        var digits: [Double] = []
        for d in "0123456789*#" { digits += DTMFSignal.tone(d, ms: 100) + DTMFSignal.silence(ms: 100) }
        #expect(faxTones(digits).isEmpty)
        #expect(faxTones((0..<(5 * 8000)).map { n in FaxSignal.level * sin(2 * .pi * 1000 * Double(n) / 8000) }).isEmpty)
    }
}
