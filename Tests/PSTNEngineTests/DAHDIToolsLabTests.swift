import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// Debian's own DAHDI tools against the emulator. They open `/dev/dahdi/...` by fixed paths, so each
/// runs in a private mount namespace where the emulator's mount is bound onto `/dev/dahdi`.
@Suite("dahdi_cfg and dahdi_test against dahdi-emu", .serialized, .lab)
struct DAHDIToolsLabTests {
    @Test("dahdi_test measures the pseudo channel's timing at 99.9% or better")
    func dahdiTest() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let result = try lab.runWithDevDAHDI("dahdi_test -c 5")
        #expect(result.status == 0, "dahdi_test: \(result.output)")
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("Cumulative Accuracy") },
                                "no summary in: \(result.output)")
        let value = line.split(separator: ":").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        let accuracy = try #require(value, "cannot read the accuracy in '\(line)'")
        #expect(accuracy >= 99.9, "dahdi_test: \(result.output)")
    }

    @Test("dahdi_cfg configures the emulated spans from a system.conf")
    func dahdiCfg() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let conf = lab.directory + "/system.conf"
        try """
        span=1,1,0,ccs,hdb3,crc4
        bchan=1-15,17-31
        hardhdlc=16
        span=2,0,0,ccs,hdb3,crc4
        bchan=32-46,48-62
        dchan=47
        fxoks=63
        fxsks=64
        loadzone=cn
        defaultzone=cn
        """.write(toFile: conf, atomically: true, encoding: .utf8)
        let result = try lab.runWithDevDAHDI("dahdi_cfg -c '\(conf)'")
        #expect(result.status == 0, "dahdi_cfg: \(result.output)")
        let control = try DAHDIControl(directory: lab.dahdi)
        #expect(try control.channelParameters(16).signalling == ChannelSignalling.hardHDLC.dahdiValue)
        #expect(try control.channelParameters(47).signalling == ChannelSignalling.dChannel.dahdiValue)
        #expect(try control.channelParameters(63).signalling == ChannelSignalling.fxoKewlstart.dahdiValue)
        #expect(try control.channelParameters(1).signalling == ChannelSignalling.clear.dahdiValue)

        let bad = lab.directory + "/bad.conf"
        try "hardhdlc=63\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try lab.runWithDevDAHDI("dahdi_cfg -c '\(bad)'")
        #expect(refused.status != 0, "dahdi_cfg put an analog port in HDLC mode? \(refused.output)")
    }
}
