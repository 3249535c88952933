import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// G.711 A-law expansion, written out here so the test does not trust the code under test.
func alawToLinear(_ byte: UInt8) -> Int16 {
    let a = byte ^ 0x55
    let exponent = Int((a & 0x70) >> 4)
    var magnitude = Int(a & 0x0F) << 4 + 8
    if exponent > 0 { magnitude = (magnitude + 0x100) << (exponent - 1) }
    return Int16(a & 0x80 != 0 ? magnitude : -magnitude)
}

/// Audio through dahdi-emu's cables, seen through the engine's hardware layer.
@Suite("Audio across the lab", .serialized, .labAlone)
struct AudioLabTests {
    @Test("audio crosses a clean E1 cable bit-exact in both directions")
    func bitExactBothWays() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let a = try DAHDIChannel(number: LabFixtures.engineB1, in: lab.dahdi)
        let b = try DAHDIChannel(number: LabFixtures.carrierB1, in: lab.dahdi)
        try a.setBlockSize(160)
        try b.setBlockSize(160)
        let chunks = 50
        let fromA = pattern(count: 160 * chunks, seed: 1)
        let fromB = pattern(count: 160 * chunks, seed: 2)
        var heardAtB: [UInt8] = []
        var heardAtA: [UInt8] = []
        // Two chunks ahead so the line never runs dry between writes.
        try a.writeAll(Array(fromA[0..<160]))
        try b.writeAll(Array(fromB[0..<160]))
        for k in 1...(chunks + 4) {
            if k < chunks {
                try a.writeAll(Array(fromA[(k * 160)..<((k + 1) * 160)]))
                try b.writeAll(Array(fromB[(k * 160)..<((k + 1) * 160)]))
            }
            heardAtB += try b.readChunk()
            heardAtA += try a.readChunk()
        }
        let startB = try #require(firstIndex(of: Array(fromA.prefix(32)), in: heardAtB), "A's audio never reached B")
        let startA = try #require(firstIndex(of: Array(fromB.prefix(32)), in: heardAtA), "B's audio never reached A")
        #expect(Array(heardAtB[startB..<min(heardAtB.count, startB + fromA.count)]) == fromA)
        #expect(Array(heardAtA[startA..<min(heardAtA.count, startA + fromB.count)]) == fromB)
        // What came before the audio is the A-law idle pattern, not noise.
        #expect(heardAtB[..<startB].allSatisfy { $0 == 0xD5 })
    }

    @Test("linear mode converts A-law to 16-bit samples and back")
    func linearRoundTrip() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let a = try DAHDIChannel(number: LabFixtures.engineB1 + 1, in: lab.dahdi)
        let b = try DAHDIChannel(number: LabFixtures.carrierB1 + 1, in: lab.dahdi)
        try a.setFormat(.linear)
        try b.setBlockSize(160)
        // A 1 kHz tone at about -6 dBFS, written as linear samples.
        var tone = [UInt8]()
        for n in 0..<(160 * 10) {
            let s = Int16(16_000 * sin(2 * Double.pi * 1000 * Double(n) / 8000 + 0.4))
            tone += [UInt8(UInt16(bitPattern: s) & 0xFF), UInt8(UInt16(bitPattern: s) >> 8)]
        }
        try a.writeAll(Array(tone[0..<320]))
        var heard: [UInt8] = []
        for k in 1..<14 {
            if k < 10 { try a.writeAll(Array(tone[(k * 320)..<((k + 1) * 320)])) }
            heard += try b.readChunk()
        }
        // The far end hears the tone as A-law: find its first sample and compare 1280 samples.
        let expected = (0..<1280).map { n in 16_000 * sin(2 * Double.pi * 1000 * Double(n) / 8000 + 0.4) }
        let start = try #require(heard.firstIndex { $0 != 0xD5 }, "the tone never arrived")
        let decoded = heard[start..<(start + 1280)].map { Double(alawToLinear($0)) }
        let worst = zip(decoded, expected).map { abs($0 - $1) }.max() ?? .infinity
        // A-law's quantisation step at this level is 512; allow one step.
        #expect(worst <= 512, "the tone came back with an error of \(worst)")
    }

    @Test("50 chunks of 160 samples take 1 s and 1000 chunks of 8 samples take 1 s")
    func readsArePacedByTheLineClock() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let ch = try DAHDIChannel(number: 5, in: lab.dahdi)
        // Spare buffers so a late wake-up of this test thread loses nothing: what is timed is the
        // emulator's clock. Flush, then wait for a fresh chunk to start from a chunk boundary.
        try ch.setBuffers(count: 8, size: 160)
        try ch.flush()
        _ = try ch.readChunk()
        var start = Date()
        for _ in 0..<50 { #expect(try ch.readChunk().count == 160) }
        let chunked160 = Date().timeIntervalSince(start)
        #expect(abs(chunked160 - 1) <= 0.02, "50 x 160 samples took \(chunked160) s")

        // At 1 ms a reader keeps more buffers, so a late wake-up loses nothing.
        try ch.setBuffers(count: 16, size: 8)
        _ = try ch.readChunk()
        try ch.flush()
        _ = try ch.readChunk()
        start = Date()
        for _ in 0..<1000 { _ = try ch.readChunk() }
        let chunked8 = Date().timeIntervalSince(start)
        #expect(abs(chunked8 - 1) <= 0.02, "1000 x 8 samples took \(chunked8) s")
    }

    @Test("writes play out at line rate: a full buffer blocks the writer")
    func writesArePaced() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let ch = try DAHDIChannel(number: 7, in: lab.dahdi)
        try ch.setBlockSize(160)
        let start = Date()
        for _ in 0..<52 { try ch.writeAll([UInt8](repeating: 0x55, count: 160)) }
        let elapsed = Date().timeIntervalSince(start)
        // Two buffers are taken at once; the other 50 leave at 20 ms each.
        #expect(abs(elapsed - 1) <= 0.03, "52 chunks were written in \(elapsed) s")
    }
}
