import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// Span alarms as faults are injected on the lab's cables.
@Suite("Alarms across the lab", .serialized, .lab)
struct AlarmLabTests {
    @Test("pulling a cable raises red at both ends and replugging clears it")
    func pullAndReplug() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let control = try DAHDIControl(directory: lab.dahdi)
        let bchan = try DAHDIChannel(number: 3, in: lab.dahdi)
        #expect(try control.spanStatus(1).alarms.isEmpty)
        #expect(try control.spanStatus(2).alarms.isEmpty)

        try lab.fault("pull trunk")
        #expect(try control.spanStatus(1).alarms.contains(.red))
        #expect(try control.spanStatus(2).alarms.contains(.red))
        // While an event waits, DAHDI answers reads with ELAST.
        do {
            _ = try bchan.readChunk()
            Issue.record("a read succeeded while the alarm event was pending")
        } catch {
            #expect(error.isEventPending, "read failed with \(error) instead of ELAST")
        }
        #expect(try bchan.waitForEvent(timeoutMilliseconds: 1000) == .alarm)

        try lab.fault("replug trunk")
        #expect(try control.spanStatus(1).alarms.isEmpty)
        #expect(try control.spanStatus(2).alarms.isEmpty)
        #expect(try bchan.waitForEvent(timeoutMilliseconds: 1000) == .noAlarm)
    }

    @Test("a receive path lost towards one end: red there, yellow at the far end; AIS shows blue")
    func yellowAndBlue() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let control = try DAHDIControl(directory: lab.dahdi)
        try lab.fault("break trunk a")
        #expect(try control.spanStatus(1).alarms.contains(.red))
        #expect(try control.spanStatus(2).alarms.contains(.yellow))
        try lab.fault("repair trunk")
        try lab.fault("ais trunk b")
        #expect(try control.spanStatus(2).alarms.contains(.blue))
        #expect(try control.spanStatus(1).alarms.isEmpty)
        try lab.fault("repair trunk")
        #expect(try control.spanStatus(2).alarms.isEmpty)
    }

    @Test("a pulled analog line is a battery loss on the FXO port")
    func analogBatteryLoss() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let trunk = try DAHDIChannel(number: LabFixtures.fxoPort, in: lab.dahdi)
        try lab.fault("pull line")
        #expect(try trunk.waitForEvent(timeoutMilliseconds: 1000) == .alarm)
        #expect(try trunk.parameters().alarms != 0)
        try lab.fault("replug line")
        #expect(try trunk.waitForEvent(timeoutMilliseconds: 1000) == .noAlarm)
        #expect(try trunk.parameters().alarms == 0)
    }

    @Test("a span whose clock stops delivers nothing, and its far end loses signal")
    func stoppedClock() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let control = try DAHDIControl(directory: lab.dahdi)
        let ch = try DAHDIChannel(number: 4, in: lab.dahdi)
        try lab.fault("stop-clock 1")
        #expect(try control.spanStatus(2).alarms.contains(.red))
        try ch.flush(Int32(1 | 4))
        #expect(try ch.poll(for: [.readable], timeoutMilliseconds: 200).isEmpty)
        try lab.fault("start-clock 1")
        #expect(try ch.poll(for: [.readable], timeoutMilliseconds: 200).contains(.readable))
    }

    @Test("unknown cables and malformed fault commands are refused with a reason")
    func badFaultCommands() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        #expect(throws: LabError.self) { try lab.fault("pull nosuchcable") }
        #expect(throws: LabError.self) { try lab.fault("break trunk c") }
        #expect(throws: LabError.self) { try lab.fault("drop-frames trunk 7") }
        #expect(throws: LabError.self) { try lab.fault("explode") }
        #expect(try lab.fault("status").contains("cable trunk plugged"))
    }
}
