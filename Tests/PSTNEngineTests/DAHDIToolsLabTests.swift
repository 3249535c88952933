import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// Debian's own DAHDI tools against the emulator. They open `/dev/dahdi/...` by fixed paths, so each
/// runs in a private mount namespace where the emulator's mount is bound onto `/dev/dahdi`.
@Suite("dahdi_cfg and dahdi_test against dahdi-emu", .serialized)
struct DAHDIToolsLabTests {
    /// Run `command` with the lab mounted on /dev/dahdi in a private mount namespace.
    static func runWithDevDAHDI(_ lab: LabInstance, _ command: String) throws -> (status: Int32, output: String) {
        guard getuid() == 0 else {
            throw LabError("dahdi_cfg/dahdi_test tests bind-mount onto /dev/dahdi and need root (CI runs as root)")
        }
        for tool in ["/usr/sbin/dahdi_cfg", "/usr/sbin/dahdi_test", "/usr/bin/unshare"] {
            guard FileManager.default.isExecutableFile(atPath: tool) else {
                throw LabError("\(tool) is missing: install Debian's dahdi and util-linux (scripts/install-deps.sh)")
            }
        }
        let created = !FileManager.default.fileExists(atPath: "/dev/dahdi")
        defer { if created { rmdir("/dev/dahdi") } }
        let script = "mkdir -p /dev/dahdi && mount --bind '\(lab.mountPoint)' /dev/dahdi && \(command)"
        return LabInstance.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script])
    }

    @Test("dahdi_test measures the pseudo channel's timing at 99.9% or better")
    func dahdiTest() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let result = try Self.runWithDevDAHDI(lab, "dahdi_test -c 5")
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
        let result = try Self.runWithDevDAHDI(lab, "dahdi_cfg -c '\(conf)'")
        #expect(result.status == 0, "dahdi_cfg: \(result.output)")
        let control = try DAHDIControl(directory: lab.dahdi)
        #expect(try control.channelParameters(16).signalling == ChannelSignalling.hardHDLC.dahdiValue)
        #expect(try control.channelParameters(47).signalling == ChannelSignalling.dChannel.dahdiValue)
        #expect(try control.channelParameters(63).signalling == ChannelSignalling.fxoKewlstart.dahdiValue)
        #expect(try control.channelParameters(1).signalling == ChannelSignalling.clear.dahdiValue)

        let bad = lab.directory + "/bad.conf"
        try "hardhdlc=63\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try Self.runWithDevDAHDI(lab, "dahdi_cfg -c '\(bad)'")
        #expect(refused.status != 0, "dahdi_cfg put an analog port in HDLC mode? \(refused.output)")
    }
}
