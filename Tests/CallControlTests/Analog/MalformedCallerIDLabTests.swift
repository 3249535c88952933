@testable import CallControl
import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// Caller ID that arrives broken: the FXO trunk reports it and still offers the call, without a
/// number. The far side is driven by hand here, to send what no well-behaved CO sends.
@Suite("Malformed caller ID through the lab", .serialized, .lab)
struct MalformedCallerIDLabTests {
    static func trunk(_ callerID: CallerIDSignalling, _ zone: ToneZone, _ directory: DAHDIDirectory) -> FXOTrunk {
        FXOTrunk(name: "trunk", channels: [AnalogLab.engineTrunk],
                 options: FXOLineOptions(zone: zone, callerID: callerID, ringAbandonAfter: .seconds(5)),
                 directory: directory)
    }

    /// The far CO port, opened raw for linear audio.
    static func farLine(_ directory: DAHDIDirectory) throws -> DAHDIChannel {
        let line = try DAHDIChannel(number: AnalogLab.farCentralOffice, in: directory)
        try line.setFormat(.linear)
        try line.setBlockSize(160)
        try line.setRingCadence([600, 2600])
        return line
    }

    /// Write `samples` as 20 ms chunks (blocking writes keep line rate).
    static func send(_ samples: [Int16], on line: DAHDIChannel) throws {
        var offset = 0
        while offset < samples.count {
            let chunk = Array(samples[offset..<min(offset + 160, samples.count)])
            let padded = chunk + [Int16](repeating: 0, count: 160 - chunk.count)
            do {
                _ = try padded.withUnsafeBytes { raw in try line.write(raw) }
            } catch let error as DAHDIError where error.isEventPending {
                _ = try line.nextEvent()
                continue
            }
            offset += 160
        }
    }

    static func render(_ source: LineAudioSource, seconds: Double) -> [Int16] {
        var out = [Int16](repeating: 0, count: Int(seconds * 8000))
        let n = out.withUnsafeMutableBufferPointer { source.render(into: $0) }
        return Array(out.prefix(n))
    }

    func expectOfferedWithoutNumber(_ run: AnalogLabRun) throws {
        let offered = try #require(run.incoming(on: "trunk"), "no call offered:\n  \(run.log.summary("trunk"))")
        #expect(offered.1.calling == nil)
        #expect(!run.protocolErrors(on: "trunk").isEmpty, "the broken caller ID was not reported")
    }

    @Test("DTMF caller ID cut off before its end code")
    func truncatedDTMF() throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: "cn"))
        run.add(Self.trunk(.dtmf, zone, run.directory))
        #expect(run.becomesIdle("trunk"))
        let line = try Self.farLine(run.directory)
        let dtmf = DTMFGenerator()
        #expect(dtmf.queue("A13812345"))
        try Self.send(Self.render(dtmf, seconds: 3) + [Int16](repeating: 0, count: 1600), on: line)
        try line.hook(.ring)
        try expectOfferedWithoutNumber(run)
    }

    @Test("FSK with a checksum-correct but broken message, then noise", arguments: [CallerIDSignalling.v23, .bell202])
    func brokenFSK(signalling: CallerIDSignalling) throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: "cn"))
        run.add(Self.trunk(signalling, zone, run.directory))
        #expect(run.becomesIdle("trunk"))
        let line = try Self.farLine(run.directory)
        try line.hook(.ring)
        #expect(try line.waitForEvent(timeoutMilliseconds: 5000) == .ringerOff)
        // A number parameter that says 9 bytes and has 2.
        let broken = try #require(FSKCallerIDTransmitter(message: [0x80, 4, 0x02, 9, 0x31, 0x32], signalling: signalling))
        var noise = [Int16](repeating: 0, count: 4000)
        var state: UInt32 = 7
        for i in noise.indices {
            state = state &* 1_103_515_245 &+ 12345
            noise[i] = Int16(truncatingIfNeeded: Int32(state >> 16) - 32768) / 8
        }
        try Self.send(Self.render(broken, seconds: 2) + noise, on: line)
        try expectOfferedWithoutNumber(run)
    }

    @Test("pure noise between the rings: the call comes with the second ring, without a number")
    func noiseOnly() throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: "us"))
        run.add(Self.trunk(.bell202, zone, run.directory))
        #expect(run.becomesIdle("trunk"))
        let line = try Self.farLine(run.directory)
        try line.hook(.ring)
        var noise = [Int16](repeating: 0, count: 16000)
        var state: UInt32 = 99
        for i in noise.indices {
            state = state &* 1_103_515_245 &+ 12345
            noise[i] = Int16(truncatingIfNeeded: Int32(state >> 16) - 32768) / 4
        }
        try Self.send(noise, on: line)
        let offered = try #require(run.incoming(on: "trunk"), "no call offered:\n  \(run.log.summary("trunk"))")
        #expect(offered.1.calling == nil)
    }
}
