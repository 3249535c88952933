import Foundation
import PSTNEngine
import Testing

/// Power of `frequency` in `samples` (Goertzel), normalised by the count.
func goertzel(_ samples: ArraySlice<Int16>, _ frequency: Double) -> Double {
    let k = 2 * cos(2 * .pi * frequency / 8000)
    var s1 = 0.0
    var s2 = 0.0
    for x in samples {
        let s0 = Double(x) + k * s1 - s2
        s2 = s1
        s1 = s0
    }
    return (s1 * s1 + s2 * s2 - k * s1 * s2) / Double(samples.count * samples.count)
}

/// Render `milliseconds` of a tone.
func render(_ generator: ToneGenerator, milliseconds: Int) -> [Int16] {
    var out = [Int16](repeating: 0, count: milliseconds * 8)
    let n = out.withUnsafeMutableBufferPointer { generator.render(into: $0) }
    return Array(out.prefix(n))
}

/// Lengths in ms of the alternating sound/silence runs, by 10 ms blocks.
func cadence(_ samples: [Int16]) -> [Int] {
    var runs: [Int] = []
    var current = false
    var length = 0
    for block in stride(from: 0, to: samples.count - 79, by: 80) {
        let on = samples[block..<(block + 80)].contains { abs(Int($0)) > 100 }
        if on == current { length += 10 } else {
            if length > 0 { runs.append(length) }
            current = on
            length = 10
        }
    }
    runs.append(length)
    return runs
}

@Suite("Zone tones: definitions and generation")
struct ToneGenerationTests {
    static let zones = ["cn", "us", "gb", "de", "fr", "jp", "au", "ru", "in"]

    @Test("every tone of every zone the engine supports parses and plays", arguments: zones)
    func everyZoneTone(country: String) throws {
        let zone = try #require(ToneZone(country: country))
        var defined = 0
        for tone in ZoneTone.allCases {
            guard let text = zone.definition(of: tone) else { continue }
            defined += 1
            let spec = try ToneSpecification(text)
            let audio = render(ToneGenerator(spec), milliseconds: 3000)
            #expect(audio.count > 0, "\(country) \(tone) played nothing")
        }
        #expect(defined >= 5, "\(country) defines only \(defined) tones")
    }

    @Test("China's busy tone is 450 Hz, 350 ms on and 350 ms off")
    func chinaBusy() throws {
        let text = try #require(ToneZone(country: "cn")?.definition(of: .busy))
        let audio = render(ToneGenerator(try ToneSpecification(text)), milliseconds: 2100)
        #expect(cadence(audio).prefix(5).allSatisfy { abs($0 - 350) <= 10 }, "cadence \(cadence(audio))")
        let on = audio[0..<2400]
        #expect(goertzel(on, 450) > 100 * goertzel(on, 600))
    }

    @Test("the North American dial tone is 350 + 440 Hz, continuous")
    func usDialTone() throws {
        let text = try #require(ToneZone(country: "us")?.definition(of: .dial))
        let audio = render(ToneGenerator(try ToneSpecification(text)), milliseconds: 1000)
        #expect(audio.count == 8000)
        #expect(cadence(audio) == [1000])
        let slice = audio[...]
        #expect(goertzel(slice, 350) > 50 * goertzel(slice, 400))
        #expect(goertzel(slice, 440) > 50 * goertzel(slice, 400))
    }

    @Test("SIT plays its three tones once, then silence")
    func specialInformationTone() throws {
        let spec = try ToneSpecification("!950/330,!1400/330,!1800/330,0")
        let audio = render(ToneGenerator(spec), milliseconds: 3000)
        #expect(goertzel(audio[0..<2000], 950) > 100 * goertzel(audio[0..<2000], 1400))
        #expect(goertzel(audio[2800..<4800], 1400) > 100 * goertzel(audio[2800..<4800], 950))
        #expect(goertzel(audio[5600..<7600], 1800) > 100 * goertzel(audio[5600..<7600], 950))
        #expect(audio[8000...].allSatisfy { $0 == 0 })
    }

    @Test("a tone of play-once segments ends")
    func finiteTone() throws {
        let generator = ToneGenerator(try ToneSpecification("!425/100,!0/100"))
        #expect(render(generator, milliseconds: 500).count == 1600)
        #expect(generator.isFinished)
    }

    @Test("malformed tone definitions are refused", arguments: [
        "", "abc", "450/", "450/-5", "450/0", "450+", "450+500+600", "5000", "450*", "!", "450/10x", "nan", "450@@/100", "@",
    ])
    func malformed(text: String) {
        #expect(throws: ToneSpecificationError.self) { _ = try ToneSpecification(text) }
    }
}
