import Foundation
import Testing
@testable import PSTNEngine

@Suite("Silence watch (voicemail's end on silence)")
struct SilenceWatchTests {
    /// `milliseconds` of a tone at `amplitude` (0: line noise of a few units).
    func audio(_ milliseconds: Int, amplitude: Double) -> [Int16] {
        (0..<(milliseconds * 8)).map { i in
            amplitude == 0 ? Int16(i % 7 - 3) : Int16(amplitude * sin(2 * Double.pi * 440 * Double(i) / 8000))
        }
    }

    /// Feed in 20 ms chunks; the sample count at which it fired, or nil.
    func firesAt(_ watch: inout SilenceWatch, _ samples: [Int16]) -> Int? {
        var fired: Int?
        var at = 0
        while at < samples.count {
            let end = min(at + 160, samples.count)
            let hit = samples[at..<end].withUnsafeBufferPointer { watch.feed($0) }
            if hit, fired == nil { fired = end }
            at = end
        }
        return fired
    }

    @Test("it fires once after the armed silence, not during speech, and sound re-arms it")
    func firesAfterSilence() {
        var watch = SilenceWatch()
        #expect(!watch.isArmed)
        watch.arm(milliseconds: 2000)
        #expect(firesAt(&watch, audio(3000, amplitude: 8000)) == nil, "speech is not silence")
        #expect(firesAt(&watch, audio(1900, amplitude: 0)) == nil, "1.9 s is not yet 2 s")
        let fired = firesAt(&watch, audio(1000, amplitude: 0))
        #expect(fired.map { (800...960).contains($0) } == true, "fires within a chunk of 2 s: \(String(describing: fired))")
        #expect(firesAt(&watch, audio(3000, amplitude: 0)) == nil, "only once")
        #expect(firesAt(&watch, audio(200, amplitude: 8000)) == nil)
        #expect(firesAt(&watch, audio(2100, amplitude: 0)) != nil, "sound re-arms it")
    }

    @Test("quiet speech at -30 dBm0 is sound; disarmed it never fires")
    func thresholds() {
        var watch = SilenceWatch()
        watch.arm(milliseconds: 500)
        // -30 dBm0 is about 720 peak for a sine (0 dBm0 = 22,700 peak in A-law terms).
        #expect(firesAt(&watch, audio(2000, amplitude: 720)) == nil)
        watch.arm(milliseconds: 0)
        #expect(firesAt(&watch, audio(2000, amplitude: 0)) == nil)
    }
}
