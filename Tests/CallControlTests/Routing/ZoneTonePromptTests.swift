import CallControl
import PSTNEngine
import Testing

@Suite("Zone tones as prompts")
struct ZoneTonePromptTests {
    @Test("a zone's dial tone renders for the seconds asked, at a tone's level; nothing for zero seconds")
    func dialTone() throws {
        let zone = try #require(ToneZone(country: "cn"))
        let prompt = try #require(zone.prompt(.dial, seconds: 2))
        #expect(prompt.samples.count == 16_000)
        let rms = (prompt.samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(prompt.samples.count)).squareRoot()
        #expect(rms > 1000, "cn dial tone is a continuous 450 Hz tone: rms \(rms)")
        #expect(zone.prompt(.dial, seconds: 0) == nil)
    }
}
