import CDAHDI
import Foundation
import Glibc
import LabTestSupport
import PSTNEngine
import Testing

/// Malformed requests to the emulated DAHDI: every one gets an errno, none stops the emulator.
@Suite("DAHDI errors", .serialized, .lab)
struct DeviceErrorLabTests {
    @Test("unknown ioctls answer ENOTTY and bad arguments EINVAL or ENXIO")
    func badIoctls() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let ch = try DAHDIChannel(number: 2, in: lab.dahdi)
        var word: Int32 = 0
        // _IOW('J', 200, int): a DAHDI-looking request nobody defines.
        let unknown = UInt(0x4004_4AC8)
        #expect(throws: DAHDIError(operation: "ioctl 0x\(String(unknown, radix: 16))", device: ch.device, errno: ENOTTY)) {
            try ch.rawIoctl(unknown, &word)
        }
        #expect(errnoOf { try ch.setBlockSize(0) } == EINVAL)
        #expect(errnoOf { try ch.setBlockSize(100_000) } == EINVAL)
        #expect(errnoOf { try ch.hook(.ring) } == EINVAL, "a B-channel has no hook to ring")
        var badLaw: Int32 = 9
        #expect(errnoOf { try ch.rawIoctl(CDAHDI_SETLAW, &badLaw) } == EINVAL)
        #expect(errnoOf { try ch.setRingCadence([]) } == EINVAL)
        #expect(errnoOf { _ = try DAHDIChannel(number: 9999, in: lab.dahdi) } == ENXIO)
        #expect(errnoOf { _ = try DAHDIChannel(number: 2, in: lab.dahdi) } == EBUSY, "a channel is opened once")
        let control = try DAHDIControl(directory: lab.dahdi)
        #expect(errnoOf { _ = try control.spanStatus(99) } == EINVAL)
        #expect(errnoOf { try control.maintenance(span: 1, command: 12345) } == EINVAL)
        // A frame too short to hold its FCS room.
        let d = try DAHDIChannel(number: LabFixtures.engineD, in: lab.dahdi)
        #expect(errnoOf { try d.writeAll([0, 0]) } == EINVAL)
        // Still serving.
        #expect(try control.spans().count == 4)
        #expect(lab.isRunning)
    }

    @Test("a client killed in the middle of a read leaves the emulator serving everyone else")
    func killedReader() throws {
        let lab = try LabInstance(lab: LabFixtures.twoSpansAndALine)
        let other = try DAHDIChannel(number: 10, in: lab.dahdi)
        // dd opens the per-channel node and reads blocking chunks until killed.
        let dd = Process()
        dd.executableURL = URL(fileURLWithPath: "/bin/dd")
        dd.arguments = ["if=\(lab.mountPoint)/chan/001/020", "of=/dev/null", "bs=160", "count=100000"]
        dd.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try dd.run()
        usleep(300_000)
        #expect(dd.isRunning, "dd stopped reading early")
        kill(dd.processIdentifier, SIGKILL)
        dd.waitUntilExit()
        _ = try other.readChunk()
        // The killed client's channel is free again.
        let reopened = try DAHDIChannel(number: 20, in: lab.dahdi)
        #expect(try reopened.blockSize() == 1024, "a channel opens with DAHDI's default block size")
        #expect(try reopened.readChunk(maxBytes: 4096).count == 1024)
        #expect(lab.isRunning)
    }
}

/// The errno a hardware-layer call failed with, or 0 when it succeeded.
func errnoOf(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch let error as DAHDIError {
        return error.errno
    } catch {
        return -1
    }
}
