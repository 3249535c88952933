import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// HDLC frames on the D-channels of a crossed-over E1 pair.
@Suite("D-channel frames across the lab", .serialized, .lab)
struct FrameLabTests {
    @Test("frames cross intact and in order, with DAHDI's 2 FCS bytes on read")
    func framesInOrder() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let a = try DAHDIChannel(number: LabFixtures.engineD, in: lab.dahdi)
        let b = try DAHDIChannel(number: LabFixtures.carrierD, in: lab.dahdi)
        let frames: [[UInt8]] = (0..<40).map { i in [UInt8(i)] + pattern(count: 3 + (i * 37) % 250, seed: UInt64(i + 10)) }
        // The channel is handed to the writer thread and not touched here until the frames are in.
        nonisolated(unsafe) let sender = a
        let writer = Thread {
            for f in frames { try? sender.writeFrame(f) }
        }
        writer.start()
        var received: [[UInt8]] = []
        while received.count < frames.count {
            let ready = try b.poll(for: [.readable], timeoutMilliseconds: 3000)
            try #require(ready.contains(.readable), "frame \(received.count) did not arrive within 3 s")
            let raw = try b.readChunk(maxBytes: 4096)
            let payload = Array(raw.dropLast(2))
            #expect(Array(raw.suffix(2)) == hdlcFCS(payload), "frame \(received.count) has a wrong FCS")
            received.append(payload)
        }
        #expect(received == frames)

        // And the other way, through the hardware layer's frame calls.
        try b.writeFrame([0x02, 0x01, 0x7F])
        _ = try a.poll(for: [.readable], timeoutMilliseconds: 2000)
        #expect(try a.readFrame() == [0x02, 0x01, 0x7F])
    }

    @Test("a corrupted frame is dropped and reported as BADFCS; dropped frames never arrive")
    func corruptionAndLoss() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let a = try DAHDIChannel(number: LabFixtures.engineD, in: lab.dahdi)
        let b = try DAHDIChannel(number: LabFixtures.carrierD, in: lab.dahdi)
        try lab.fault("corrupt-frames trunk 1")
        try a.writeFrame([1, 2, 3, 4])
        #expect(try b.waitForEvent(timeoutMilliseconds: 2000) == .badFCS)
        try lab.fault("corrupt-frames trunk 0")
        try lab.fault("drop-frames trunk 1")
        try a.writeFrame([5, 6, 7])
        #expect(try b.poll(for: [.readable, .event], timeoutMilliseconds: 300).isEmpty)
        try lab.fault("drop-frames trunk 0")
        try a.writeFrame([8, 9, 10])
        _ = try b.poll(for: [.readable], timeoutMilliseconds: 2000)
        #expect(try b.readFrame() == [8, 9, 10])
    }
}
