@testable import CallControl
import LabTestSupport
import PSTNEngine
import Testing

/// The engine's FXO trunk against the simulator's central-office line, through dahdi-emu.
@Suite("FXO trunk through the lab", .serialized, .lab)
struct FXOTrunkLabTests {
    /// A central-office line whose ring pause leaves room for FSK and keeps the tests short.
    static func centralOffice(_ zone: ToneZone, callerID: CallerIDSignalling,
                       disconnect: FXSLineOptions.DisconnectSignal, _ directory: DAHDIDirectory) -> CentralOfficeLine {
        CentralOfficeLine(name: "co", channels: [AnalogLab.farCentralOffice],
                          options: FXSLineOptions(zone: zone, callerID: callerID, ringCadence: [600, 2600],
                                                  interDigitTimeout: .seconds(2), disconnectSignal: disconnect),
                          directory: directory)
    }

    static func trunk(_ zone: ToneZone, callerID: CallerIDSignalling, hangUpOnPolarity: Bool = false,
               _ directory: DAHDIDirectory) -> FXOTrunk {
        FXOTrunk(name: "trunk", channels: [AnalogLab.engineTrunk],
                 options: FXOLineOptions(zone: zone, callerID: callerID, lineNumber: "88880000",
                                         hangUpOnPolarityReversal: hangUpOnPolarity, ringAbandonAfter: .seconds(5)),
                 directory: directory)
    }

    /// Ring the engine from the CO with `calling`, check what the engine offers, answer, and
    /// hang up from the CO side; returns the engine's call.
    func ringAnswerAndHangUp(zone: String, callerID: CallerIDSignalling, disconnect: FXSLineOptions.DisconnectSignal,
                             hangUpOnPolarity: Bool = false) throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: zone))
        run.add(Self.centralOffice(zone, callerID: callerID, disconnect: disconnect, run.directory))
        run.add(Self.trunk(zone, callerID: callerID, hangUpOnPolarity: hangUpOnPolarity, run.directory))
        let outside = CallID.next()
        let setup = CallSetup(calling: PartyNumber("13812345678"), called: PartyNumber("88880000"),
                              callingName: callerID == .dtmf ? nil : "ACME BANK")
        run.on("co") { try $0.place(outside, setup) }

        let offered = try #require(run.incoming(on: "trunk"), "the trunk offered no call; it saw:\n  \(run.log.summary("trunk"))")
        #expect(offered.1.calling?.digits == "13812345678")
        #expect(offered.1.called.digits == "88880000")
        if callerID != .dtmf { #expect(offered.1.callingName == "ACME BANK") }
        #expect(run.protocolErrors(on: "trunk").isEmpty)

        let call = offered.0
        run.on("trunk") { $0.answer(call) }
        #expect(run.answered(call, on: "trunk"))
        #expect(run.answered(outside, on: "co"), "the CO did not see the answer:\n  \(run.log.summary("co"))")

        run.on("co") { $0.release(outside, cause: .normalClearing) }
        let end = try #require(run.released(call, on: "trunk"), "the trunk saw no hang-up:\n  \(run.log.summary("trunk"))")
        #expect(end.0 == .normalClearing)
        #expect(end.1 == .remote)
        #expect(run.failures.all == [])
    }

    @Test("Bell 202 caller ID between the rings; the far end hangs up by dropping battery")
    func bell202AndBatteryLoss() throws {
        try ringAnswerAndHangUp(zone: "us", callerID: .bell202, disconnect: .batteryDrop)
    }

    @Test("ETSI V.23 caller ID between the rings; the far end hangs up by reversing polarity")
    func v23AndPolarityReversal() throws {
        try ringAnswerAndHangUp(zone: "cn", callerID: .v23, disconnect: .polarityReversal, hangUpOnPolarity: true)
    }

    @Test("DTMF caller ID before the first ring (China)")
    func dtmfCallerID() throws {
        try ringAnswerAndHangUp(zone: "cn", callerID: .dtmf, disconnect: .batteryDrop)
    }

    @Test("an outgoing call: dial tone heard, digits dialled, the CO got the number")
    func outgoing() throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: "cn"))
        run.add(Self.centralOffice(zone, callerID: .none, disconnect: .batteryDrop, run.directory))
        run.add(Self.trunk(zone, callerID: .none, run.directory))
        let call = CallID.next()
        run.on("trunk") { try $0.place(call, CallSetup(called: PartyNumber("4008123456"))) }

        let atCO = try #require(run.incoming(on: "co"), "the CO got no call:\n  \(run.log.summary("co"))\ntrunk:\n  \(run.log.summary("trunk"))")
        #expect(atCO.1.called.digits == "4008123456")
        #expect(run.log.wait(for: "trunk") { $0 == .proceeding(call, channel: AnalogLab.engineTrunk) ? true : nil } == true)
        #expect(run.answered(call, on: "trunk"))

        run.on("trunk") { $0.release(call, cause: .normalClearing) }
        let end = try #require(run.released(atCO.0, on: "co"), "the CO did not see the engine hang up")
        #expect(end.1 == .remote)
        #expect(run.released(call, on: "trunk")?.1 == .local)
    }

    @Test("answer supervision by polarity reversal: answered only when the CO answers")
    func polarityAnswerSupervision() throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: "cn"))
        run.add(CentralOfficeLine(name: "co", channels: [AnalogLab.farCentralOffice],
                                  options: FXSLineOptions(zone: zone, interDigitTimeout: .seconds(2),
                                                          disconnectSignal: .polarityReversal, reversePolarityOnAnswer: true),
                                  directory: run.directory))
        run.add(FXOTrunk(name: "trunk", channels: [AnalogLab.engineTrunk],
                         options: FXOLineOptions(zone: zone, hangUpOnPolarityReversal: true, answerOnPolarityReversal: true),
                         directory: run.directory))
        let call = CallID.next()
        run.on("trunk") { try $0.place(call, CallSetup(called: PartyNumber("95588"))) }
        let atCO = try #require(run.incoming(on: "co"), "the CO got no call:\n  \(run.log.summary("trunk"))")
        #expect(atCO.1.called.digits == "95588")
        #expect(run.log.wait(for: "trunk") { $0 == .proceeding(call, channel: AnalogLab.engineTrunk) ? true : nil } == true)
        #expect(!run.answered(call, on: "trunk", seconds: 1), "answered before the CO answered")

        run.on("co") { $0.answer(atCO.0) }
        #expect(run.answered(call, on: "trunk"), "no answer seen:\n  \(run.log.summary("trunk"))")
        // The second reversal is the far end hanging up.
        run.on("co") { $0.release(atCO.0, cause: .normalClearing) }
        let end = try #require(run.released(call, on: "trunk"))
        #expect(end == (.normalClearing, .remote))
    }

    @Test("no dial tone: the seizure is released with a cause, not left hanging")
    func noDialTone() throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: "cn"))
        run.add(FXOTrunk(name: "trunk", channels: [AnalogLab.engineTrunk],
                         options: FXOLineOptions(zone: zone, dialToneTimeout: .seconds(2)), directory: run.directory))
        let call = CallID.next()
        run.on("trunk") { try $0.place(call, CallSetup(called: PartyNumber("110"))) }
        let end = try #require(run.released(call, on: "trunk"))
        #expect(end.0 == .networkOutOfOrder)
        #expect(end.1 == .system)
    }
}
