import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// Collect events on `channel` for up to `milliseconds`, stopping early once `until` has been seen.
func events(on channel: DAHDIChannel, within milliseconds: Int, until: ChannelEvent? = nil) throws -> [ChannelEvent] {
    var seen: [ChannelEvent] = []
    let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
    while Date() < deadline {
        let left = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
        guard let e = try channel.waitForEvent(timeoutMilliseconds: left) else { break }
        seen.append(e)
        if let until, e == until { break }
    }
    return seen
}

/// An analog line between an FXS port and an FXO port, as DAHDI signals it.
@Suite("Analog lines across the lab", .serialized, .lab)
struct AnalogLabTests {
    @Test("an FXS ring reaches the FXO port as ring events, and its off-hook reaches the FXS port")
    func ringAndAnswer() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let station = try DAHDIChannel(number: LabFixtures.fxsPort, in: lab.dahdi)
        let trunk = try DAHDIChannel(number: LabFixtures.fxoPort, in: lab.dahdi)
        try station.setRingCadence([300, 200])
        try station.hook(.ring)
        let ringing = try events(on: trunk, within: 1200)
        // As DAHDI reports rings on an FXO port: RINGBEGIN as each ring starts, RINGOFFHOOK as it ends.
        #expect(Array(ringing.prefix(4)) == [.ringBegin, .ringOffHook, .ringBegin, .ringOffHook], "FXO saw \(ringing)")
        #expect(!ringing.contains(.ringerOff), "FXO saw \(ringing)")
        #expect(throws: DAHDIError.self, "ringing a ringing port is EBUSY") { try station.hook(.ring) }
        #expect(try trunk.parameters().signalling == ChannelSignalling.fxsKewlstart.dahdiValue)

        try trunk.hook(.offHook)
        let answered = try events(on: station, within: 1000, until: .ringOffHook)
        #expect(answered.last == .ringOffHook, "FXS saw \(answered)")
        #expect(try station.parameters().receiveOffHook)

        try station.setPolarity(reversed: true)
        #expect(try events(on: trunk, within: 1000, until: .polarity).last == .polarity)

        try trunk.hook(.flash)
        #expect(try events(on: station, within: 1000, until: .winkFlash).last == .winkFlash)

        try trunk.hook(.onHook)
        #expect(try events(on: station, within: 1000, until: .onHook).last == .onHook)
        #expect(try !station.parameters().receiveOffHook)
    }

    @Test("an FXS port that hangs up is seen as a disconnect on the off-hook FXO port")
    func farEndDisconnect() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let station = try DAHDIChannel(number: LabFixtures.fxsPort, in: lab.dahdi)
        let trunk = try DAHDIChannel(number: LabFixtures.fxoPort, in: lab.dahdi)
        try trunk.hook(.offHook)
        #expect(try events(on: station, within: 1000, until: .ringOffHook).last == .ringOffHook)
        try station.hook(.onHook)
        #expect(try events(on: trunk, within: 1000, until: .onHook).last == .onHook)
    }

    @Test("ringing an FXS port whose phone is off-hook is refused")
    func ringWhileOffHook() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let station = try DAHDIChannel(number: LabFixtures.fxsPort, in: lab.dahdi)
        let trunk = try DAHDIChannel(number: LabFixtures.fxoPort, in: lab.dahdi)
        try trunk.hook(.offHook)
        _ = try events(on: station, within: 500, until: .ringOffHook)
        #expect(throws: DAHDIError.self) { try station.hook(.ring) }
    }
}
