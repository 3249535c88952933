@testable import CallControl
import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// The engine's FXS station against the simulator's phone, through dahdi-emu.
@Suite("FXS station through the lab", .serialized, .lab)
struct FXSStationLabTests {
    static func station(_ zone: ToneZone, callerID: CallerIDSignalling, _ directory: DAHDIDirectory) -> FXSStation {
        FXSStation(name: "station", channels: [AnalogLab.engineStation],
                   options: FXSLineOptions(zone: zone, callerID: callerID, ringCadence: [600, 2600],
                                           interDigitTimeout: .seconds(2)),
                   ownNumbers: [AnalogLab.engineStation: "201"], directory: directory)
    }

    static func phone(_ zone: ToneZone, callerID: CallerIDSignalling, _ directory: DAHDIDirectory) -> AnalogPhone {
        AnalogPhone(name: "phone", channels: [AnalogLab.farPhone],
                    options: FXOLineOptions(zone: zone, callerID: callerID, ringAbandonAfter: .seconds(5)),
                    directory: directory)
    }

    @Test("the phone goes off-hook, hears dial tone, dials; the engine reports the digits and plays busy when it hangs up")
    func phoneDials() throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: "us"))
        run.add(Self.station(zone, callerID: .none, run.directory))
        run.add(Self.phone(zone, callerID: .none, run.directory))
        let call = CallID.next()
        run.on("phone") { try $0.place(call, CallSetup(called: PartyNumber("8001"))) }

        // The phone dials only once it has heard dial tone: `proceeding` says it dialled.
        #expect(run.log.wait(for: "phone") { $0 == .proceeding(call, channel: AnalogLab.farPhone) ? true : nil } == true,
                "the phone never dialled:\n  \(run.log.summary("phone"))")
        let offered = try #require(run.incoming(on: "station"), "the station offered nothing:\n  \(run.log.summary("station"))")
        #expect(offered.1.called.digits == "8001")
        #expect(offered.1.calling?.digits == "201")

        // The far party hangs up first: the phone, still off-hook, hears busy tone.
        run.on("station") { $0.release(offered.0, cause: .normalClearing) }
        #expect(run.released(offered.0, on: "station")?.1 == .local)
        let heard = try #require(run.released(call, on: "phone"), "the phone heard no busy tone:\n  \(run.log.summary("phone"))")
        #expect(heard.1 == .remote)
        // The phone hung up on the tone; the station is free again.
        #expect(run.becomesIdle("station"), "station: \(run.channelStates(of: "station"))")
        #expect(run.failures.all == [])
    }

    @Test("the engine rings the phone with FSK caller ID; it decodes, answers, flashes and hangs up",
          arguments: [CallerIDSignalling.v23, .bell202, .dtmf])
    func engineRingsPhone(callerID: CallerIDSignalling) throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: callerID == .bell202 ? "us" : "cn"))
        run.add(Self.station(zone, callerID: callerID, run.directory))
        run.add(Self.phone(zone, callerID: callerID, run.directory))
        let call = CallID.next()
        run.on("station") {
            try $0.place(call, CallSetup(calling: PartyNumber("13912345678"), called: PartyNumber("201"),
                                         callingName: "LI SI"))
        }
        #expect(run.log.wait(for: "station") { $0 == .alerting(call, inbandAudio: false) ? true : nil } == true)
        let ringing = try #require(run.incoming(on: "phone"), "the phone saw no call:\n  \(run.log.summary("phone"))")
        #expect(ringing.1.calling?.digits == "13912345678", "phone:\n  \(run.log.summary("phone"))\nstation:\n  \(run.log.summary("station"))")
        if callerID != .dtmf { #expect(ringing.1.callingName == "LI SI") }

        run.on("phone") { $0.answer(ringing.0) }
        #expect(run.answered(call, on: "station"), "the station saw no answer:\n  \(run.log.summary("station"))")

        run.on("phone") { backend in try (backend as! AnalogPhone).flash(ringing.0) }
        #expect(run.log.wait(for: "station") { $0 == .flash(call) ? true : nil } == true)

        run.on("phone") { $0.release(ringing.0, cause: .normalClearing) }
        let end = try #require(run.released(call, on: "station"))
        #expect(end == (.normalClearing, .remote))
        #expect(run.failures.all == [])
    }

    @Test("ringing a phone that is off-hook is refused as busy")
    func busyPhone() throws {
        let run = try AnalogLabRun()
        let zone = try #require(ToneZone(country: "cn"))
        let phone = try DAHDIChannel(number: AnalogLab.farPhone, in: run.directory)
        try phone.hook(.offHook)
        run.add(Self.station(zone, callerID: .none, run.directory))
        // The station finds the phone off-hook, plays dial tone and waits for digits.
        let call = CallID.next()
        run.on("station") { try $0.place(call, CallSetup(called: PartyNumber("201"))) }
        let deadline = ContinuousClock.now + .seconds(10)
        while run.failures.all.isEmpty, ContinuousClock.now < deadline { usleep(20_000) }
        #expect(run.failures.all.first?.contains("17") == true, "failures: \(run.failures.all)")
    }
}
