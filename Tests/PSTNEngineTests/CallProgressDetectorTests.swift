import Foundation
import PSTNEngine
import Testing

/// Feed audio to a detector in 20 ms chunks; the tones it reported, with when (ms).
func callProgress(_ audio: [Int16], zone: ToneZone, blockOffset: Int = 0) -> [(CallProgressTone, Int)] {
    let detector = CallProgressDetector(zone: zone, blockOffset: blockOffset)
    var found: [(CallProgressTone, Int)] = []
    var offset = 0
    while offset < audio.count {
        let end = min(offset + 160, audio.count)
        audio[offset..<end].withUnsafeBufferPointer { detector.process($0) }
        while let e = detector.nextEvent() { found.append((e.tone, Int(e.sample / 8))) }
        offset = end
    }
    return found
}

/// `seconds` of one of a zone's tones, generated from its definition, with a little line noise.
func zoneToneAudio(_ zone: ToneZone, _ tone: ZoneTone, seconds: Double, levelDBm0: Double = -15) throws -> [Int16] {
    let text = try #require(zone.definition(of: tone))
    let audio = render(ToneGenerator(try ToneSpecification(text), levelDBm0: levelDBm0), milliseconds: Int(seconds * 1000))
    var noise = SpeechBandNoise(seed: 5, rms: 30)
    return audio.map { Int16(clamping: Int($0) + Int(noise.next())) }
}

@Suite("Call-progress detection from the tone zone")
struct CallProgressDetectorTests {
    static let cases: [(String, ZoneTone, CallProgressTone)] = [
        ("cn", .dial, .dialTone), ("cn", .busy, .busy), ("cn", .ringback, .ringback), ("cn", .congestion, .congestion),
        ("us", .dial, .dialTone), ("us", .busy, .busy), ("us", .ringback, .ringback), ("us", .congestion, .congestion),
        ("us", .specialInformation, .specialInformation),
        ("gb", .dial, .dialTone), ("gb", .busy, .busy), ("gb", .ringback, .ringback),
        ("gb", .specialInformation, .specialInformation),
        ("de", .dial, .dialTone), ("de", .busy, .busy), ("de", .ringback, .ringback), ("de", .congestion, .congestion),
        ("fr", .busy, .busy), ("jp", .busy, .busy), ("au", .busy, .busy), ("ru", .busy, .busy), ("in", .busy, .busy),
    ]

    @Test("each zone's tones are recognised as what they are", arguments: cases.indices)
    func recognised(index: Int) throws {
        let (country, zoneTone, expected) = Self.cases[index]
        let zone = try #require(ToneZone(country: country))
        let found = callProgress(try zoneToneAudio(zone, zoneTone, seconds: 7), zone: zone)
        #expect(found.first?.0 == expected, "\(country) \(zoneTone): found \(found)")
        #expect(Set(found.map { "\($0.0)" }).count == 1, "\(country) \(zoneTone): also found \(found)")
    }

    @Test("busy is known within two cycles and ringback within its first silence")
    func promptness() throws {
        let cn = try #require(ToneZone(country: "cn"))
        let busy = callProgress(try zoneToneAudio(cn, .busy, seconds: 4), zone: cn)
        #expect((busy.first?.1 ?? .max) <= 1500, "busy after \(busy)")
        let ringback = callProgress(try zoneToneAudio(cn, .ringback, seconds: 6), zone: cn)
        #expect((ringback.first?.1 ?? .max) <= 2200, "ringback after \(ringback)")
    }

    @Test("a channel's own block grid (the media group's stagger) finds the same tones as promptly",
          arguments: [8, 96, 192])
    func staggeredGrid(blockOffset: Int) throws {
        let cn = try #require(ToneZone(country: "cn"))
        let busy = callProgress(try zoneToneAudio(cn, .busy, seconds: 4), zone: cn, blockOffset: blockOffset)
        #expect(busy.first?.0 == .busy && (busy.first?.1 ?? .max) <= 1500, "offset \(blockOffset): busy after \(busy)")
        let us = try #require(ToneZone(country: "us"))
        let ringback = callProgress(try zoneToneAudio(us, .ringback, seconds: 7), zone: us, blockOffset: blockOffset)
        #expect(ringback.first?.0 == .ringback, "offset \(blockOffset): \(ringback)")
        #expect(Set(ringback.map { "\($0.0)" }).count == 1, "offset \(blockOffset): also found \(ringback)")
    }

    @Test("speech-band noise, DTMF and silence are not call progress")
    func nothingElse() throws {
        for country in ["cn", "us", "de"] {
            let zone = try #require(ToneZone(country: country))
            var noise = SpeechBandNoise(seed: 11, rms: 2500)
            let speechLike = (0..<(20 * 8000)).map { _ in Int16(clamping: Int(noise.next())) }
            #expect(callProgress(speechLike, zone: zone).isEmpty, "\(country) on noise")
            var digits: [Double] = []
            for d in "0123456789*#" { digits += DTMFSignal.tone(d, ms: 100) + DTMFSignal.silence(ms: 100) }
            #expect(callProgress(digits.map { Int16(clamping: Int($0)) }, zone: zone).isEmpty, "\(country) on DTMF")
            #expect(callProgress([Int16](repeating: 0, count: 40_000), zone: zone).isEmpty)
        }
    }
}
