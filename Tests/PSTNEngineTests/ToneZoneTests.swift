import PSTNEngine
import Testing

@Suite("Tone zones from libtonezone")
struct ToneZoneTests {
    @Test("the zones the engine's users need are known", arguments: ["cn", "us", "gb", "de", "fr", "jp", "au", "ru", "in"])
    func known(country: String) throws {
        let zone = try #require(ToneZone(country: country))
        #expect(!zone.description.isEmpty)
        #expect(!zone.ringCadence.isEmpty)
        #expect(zone.ringCadence.allSatisfy { $0 > 0 && $0 <= 10_000 })
    }

    @Test("China rings 1 s on, 4 s off; the US 2 s on, 4 s off")
    func cadences() throws {
        #expect(try #require(ToneZone(country: "cn")).ringCadence == [1000, 4000])
        #expect(try #require(ToneZone(country: "us")).ringCadence == [2000, 4000])
    }

    @Test("unknown or malformed zone names are refused", arguments: ["", "zz", "c n", "../etc", String(repeating: "a", count: 40), "中国"])
    func unknown(country: String) {
        #expect(ToneZone(country: country) == nil)
    }
}
