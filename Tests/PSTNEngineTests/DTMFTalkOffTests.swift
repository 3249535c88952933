import Foundation
import PSTNEngine
import Testing

@Suite("DTMF talk-off (speech and music corpus)")
struct DTMFTalkOffTests {
    /// Digits heard in a clip, at its own level and 15 dB quieter.
    static func falseDigits(_ clip: TalkOffCorpus.Clip) -> [String] {
        [1.0, 0.178].map { gain in
            let samples = clip.samples.map { Int16(clamping: Int((Double($0) * gain).rounded())) }
            return String(detectEvents(samples).filter { $0.kind == .began }.map(\.character))
        }
    }

    static func check(_ name: String, allowed: Int) {
        let clip: TalkOffCorpus.Clip
        do {
            clip = try TalkOffCorpus.clip(name)
        } catch {
            Issue.record("the talk-off corpus is missing: \(error)")
            return
        }
        let found = falseDigits(clip)
        let count = found.reduce(0) { $0 + $1.count }
        let minutes = String(format: "%.1f", clip.seconds / 60)
        reportDTMF("talk-off on \(name): \(count) false digits in \(minutes) min (played at 0 and -15 dB: \(found))")
        #expect(count <= allowed, "talk-off on \(name): \(count) false digits in \(minutes) min, \(found)")
    }

    @Test("English speech (espeak-ng, four voices) gives no digits")
    func english() { Self.check("english", allowed: 0) }

    @Test("Mandarin speech (espeak-ng -v cmn, three voices) gives no digits")
    func mandarin() { Self.check("mandarin", allowed: 0) }

    @Test("music (sox: plucked melodies, sine chords, leads, two-voice sine lines) gives no digits")
    func music() { Self.check("music", allowed: 0) }

    @Test("synthetic piano chords and white noise do not talk off")
    func synthetic() {
        // 60 s of piano-like chords (three notes with harmonics, changing every 200-700 ms).
        var random = TestRandom(seed: 12_345)
        var music: [Double] = []
        while music.count < 60 * 8000 {
            let notes = (0..<3).map { _ in 220 * pow(2, Double(Int(random.next() * 36)) / 12) }
            let length = Int((0.2 + random.next() * 0.5) * 8000)
            for n in 0..<length {
                let t = Double(n) / 8000
                let envelope = exp(-3 * t)
                var s = 0.0
                for f in notes { for h in 1...4 { s += sin(2 * .pi * f * Double(h) * t) / Double(h * h) } }
                music.append(3000 * envelope * s)
            }
        }
        let found = digits(music)
        reportDTMF("talk-off on 1 min of synthetic chords: \(found.count) false digits")
        #expect(found.isEmpty, "talk-off on synthetic chords: \(found)")
        var noise: [Double] = []
        for _ in 0..<(30 * 8000) { noise.append((random.next() - 0.5) * 8000) }
        #expect(digits(noise).isEmpty)
    }
}
