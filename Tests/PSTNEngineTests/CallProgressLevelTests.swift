import Foundation
import PSTNEngine
import Testing

/// Feed audio to a call-progress detector in chunks of `chunk` samples; the tones, with when (ms).
func callProgress(_ audio: [Int16], zone: ToneZone, chunk: Int) -> [(CallProgressTone, Int)] {
    let detector = CallProgressDetector(zone: zone)
    var found: [(CallProgressTone, Int)] = []
    var offset = 0
    while offset < audio.count {
        let end = min(offset + chunk, audio.count)
        audio[offset..<end].withUnsafeBufferPointer { detector.process($0) }
        while let e = detector.nextEvent() { found.append((e.tone, Int(e.sample / 8))) }
        offset = end
    }
    return found
}

/// One of a zone's tones at `levelDBm0`, after `delay` samples, over speech-band noise at `noiseDBm0`.
func quietZoneTone(_ zone: ToneZone, _ tone: ZoneTone, seconds: Double, levelDBm0: Double, noiseDBm0: Double,
                   delay: Int = 0) throws -> [Int16] {
    let text = try #require(zone.definition(of: tone))
    let audio = [Int16](repeating: 0, count: delay)
        + render(ToneGenerator(try ToneSpecification(text), levelDBm0: levelDBm0), milliseconds: Int(seconds * 1000))
    var noise = SpeechBandNoise(seed: 23, rms: FaxLine.rms(noiseDBm0))
    return audio.map { Int16(clamping: Int($0) + Int(noise.next().rounded())) }
}

@Suite("Call-progress detection of quiet tones, in any chunk size")
struct CallProgressLevelTests {
    static let cases: [(String, ZoneTone, CallProgressTone)] = CallProgressDetectorTests.cases.filter { ["cn", "us", "gb"].contains($0.0) }

    @Test("tones at -30 dBm0 over -55 dBm0 noise are recognised (cn, us, gb)", arguments: cases.indices)
    func quiet(index: Int) throws {
        let (country, zoneTone, expected) = Self.cases[index]
        let zone = try #require(ToneZone(country: country))
        let audio = try quietZoneTone(zone, zoneTone, seconds: 7, levelDBm0: -30, noiseDBm0: -55)
        let found = callProgress(audio, zone: zone, chunk: 160)
        #expect(found.first?.0 == expected, "\(country) \(zoneTone): found \(found)")
        #expect(Set(found.map { "\($0.0)" }).count == 1, "\(country) \(zoneTone): also found \(found)")
    }

    @Test("1 ms and 20 ms chunks give the same detections, wherever the tone starts", arguments: cases.indices)
    func chunkSizes(index: Int) throws {
        let (country, zoneTone, _) = Self.cases[index]
        let zone = try #require(ToneZone(country: country))
        for delay in [0, 37, 123] {
            let audio = try quietZoneTone(zone, zoneTone, seconds: 7, levelDBm0: -20, noiseDBm0: -55, delay: delay)
            let small = callProgress(audio, zone: zone, chunk: 8)
            let large = callProgress(audio, zone: zone, chunk: 160)
            #expect(!small.isEmpty)
            #expect(small.map { "\($0.0)" } == large.map { "\($0.0)" }, "\(country) \(zoneTone) after \(delay): \(small) vs \(large)")
            #expect(zip(small, large).allSatisfy { abs($0.1 - $1.1) <= 20 }, "\(country) \(zoneTone) after \(delay): \(small) vs \(large)")
        }
    }

    @Test("30 s of speech-like noise at any level is not call progress (cn, us, gb)")
    func noFalseTones() throws {
        for country in ["cn", "us", "gb"] {
            let zone = try #require(ToneZone(country: country))
            for (level, seed) in [(-10.0, 31 as UInt64), (-25, 32), (-40, 33)] {
                let audio = FaxLine.speechLike(seconds: 30, dBm0: level, seed: seed)
                #expect(callProgress(audio, zone: zone, chunk: 160).isEmpty, "\(country), speech-like noise at \(level) dBm0")
                #expect(callProgress(audio, zone: zone, chunk: 8).isEmpty, "\(country), speech-like noise at \(level) dBm0, 1 ms chunks")
            }
        }
    }
}
