import CDAHDI
@testable import DAHDIEmulator
import Foundation
import Glibc
import LabTestSupport
import Testing

/// Collects what the emulator answers to one request.
final class RecordingReply: PendingReply {
    var requestID: UInt { UInt(bitPattern: ObjectIdentifier(self).hashValue) }
    var data: [UInt8]?
    var written: Int?
    var error: Int32?

    func replyData(_ bytes: [UInt8]) { data = bytes }
    func replyWritten(_ count: Int) { written = count }
    func replyError(_ errno: Int32) { error = errno }
}

/// Records whether it was told.
final class RecordingWaiter: PollWaiter {
    let events: Int16
    var notified = 0
    init(events: Int16) { self.events = events }
    func notify() { notified += 1 }
}

/// Drives a `DeviceEmulator` in process, with the clock stepped by hand.
@Suite("Device emulator semantics", .serialized, .lab)
struct DeviceEmulatorTests {
    static let lab = try! LabDescription.parse("""
    cards:
      - name: a
        spans: [{ type: E1, dchannel: 16, signalling: pri }]
      - name: b
        spans: [{ type: E1, dchannel: 16, signalling: pri }]
      - name: s
        ports: [fxs]
      - name: p
        ports: [fxo]
    cables:
      - { name: t, a: a/span1, b: b/span1 }
      - { name: l, a: s/port1, b: p/port1 }
    """)

    func open(_ emu: DeviceEmulator, _ channel: Int) throws -> UInt64 {
        try emu.open(.channel(channel)).get()
    }

    func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    func read(_ emu: DeviceEmulator, _ h: UInt64, size: Int = 4096) -> RecordingReply {
        let r = RecordingReply()
        emu.read(h, size: size, nonBlocking: true, reply: r, interrupted: { false })
        return r
    }

    @Test("a read waits for a whole block; the clock delivers 8 samples per tick")
    func blockTiming() throws {
        let emu = DeviceEmulator(lab: Self.lab)
        let h = try open(emu, 1)
        _ = emu.ioctl(h, command: UInt32(truncatingIfNeeded: CDAHDI_SET_BLOCKSIZE), input: int32(40))
        for _ in 0..<4 { emu.lock.withLock { emu.tick() } }
        #expect(read(emu, h).error == EAGAIN)
        emu.lock.withLock { emu.tick() }
        #expect(read(emu, h).data?.count == 40)
    }

    @Test("a pending event turns reads into ELAST until DAHDI_GETEVENT takes it")
    func elast() throws {
        let emu = DeviceEmulator(lab: Self.lab)
        let h = try open(emu, 3)
        _ = emu.ioctl(h, command: UInt32(truncatingIfNeeded: CDAHDI_SET_BLOCKSIZE), input: int32(160))
        for _ in 0..<20 { emu.lock.withLock { emu.tick() } }
        _ = try emu.perform(.pull(cable: "t"))
        #expect(read(emu, h).error == 500)
        let event = emu.ioctl(h, command: UInt32(truncatingIfNeeded: CDAHDI_GETEVENT), input: [])
        #expect(event == .success(result: 0, output: int32(Int32(DAHDI_EVENT_ALARM))))
        #expect(read(emu, h).data?.count == 160)
    }

    @Test("an event does not wake a blocked D-channel reader, but does wake a POLLPRI poller")
    func eventWakesPollerNotReader() throws {
        let emu = DeviceEmulator(lab: Self.lab)
        let d = try open(emu, 16)
        let blocked = RecordingReply()
        emu.read(d, size: 1024, nonBlocking: false, reply: blocked, interrupted: { false })
        let poller = RecordingWaiter(events: Int16(POLLPRI))
        #expect(emu.poll(d, waiter: poller) & Int16(POLLPRI) == 0)
        _ = try emu.perform(.pull(cable: "t"))
        for _ in 0..<10 { emu.lock.withLock { emu.tick() } }
        #expect(blocked.data == nil && blocked.error == nil, "the reader was answered without a frame")
        #expect(poller.notified == 1)
    }

    @Test("a poller is not woken for readiness it did not ask for")
    func pollOnlyWhatWasAsked() throws {
        let emu = DeviceEmulator(lab: Self.lab)
        let h = try open(emu, 2)
        _ = emu.ioctl(h, command: UInt32(truncatingIfNeeded: CDAHDI_SET_BLOCKSIZE), input: int32(160))
        let poller = RecordingWaiter(events: Int16(POLLIN))
        _ = emu.poll(h, waiter: poller)
        // Writable all along, but no whole block to read until 20 ticks have passed.
        for _ in 0..<19 { emu.lock.withLock { emu.tick() } }
        #expect(poller.notified == 0)
        emu.lock.withLock { emu.tick() }
        #expect(poller.notified == 1)
    }

    @Test("a frame takes its bytes' time on the line and arrives with a correct FCS")
    func frameTiming() throws {
        let emu = DeviceEmulator(lab: Self.lab)
        let a = try open(emu, 16)
        let b = try open(emu, 47)
        let w = RecordingReply()
        emu.write(a, data: [1, 2, 3, 4, 5, 0, 0], nonBlocking: true, reply: w, interrupted: { false })
        #expect(w.written == 7)
        // 5 bytes + 2 FCS + 1 flag = 8 bytes = 1 ms at 64 kbit/s
        #expect(read(emu, b).error == EAGAIN)
        emu.lock.withLock { emu.tick() }
        let frame = read(emu, b).data
        #expect(frame?.prefix(5) == [1, 2, 3, 4, 5])
        #expect(frame?.count == 7)
        #expect(frame?.suffix(2).elementsEqual(hdlcFCS([1, 2, 3, 4, 5])) == true)
    }

    @Test("on a non-blocking handle, ringing answers EINPROGRESS and rings")
    func ringInProgress() throws {
        let emu = DeviceEmulator(lab: Self.lab)
        let station = try open(emu, 63)
        let trunk = try open(emu, 64)
        #expect(emu.ioctl(station, command: UInt32(truncatingIfNeeded: CDAHDI_HOOK), input: int32(Int32(DAHDI_RING)),
                          nonBlocking: true) == .failure(errno: EINPROGRESS))
        #expect(emu.ioctl(trunk, command: UInt32(truncatingIfNeeded: CDAHDI_GETEVENT), input: [])
                == .success(result: 0, output: int32(Int32(DAHDI_EVENT_RINGBEGIN))))
    }

    @Test("a channel opens once; pseudo channels are numbered after the real ones")
    func openRules() throws {
        let emu = DeviceEmulator(lab: Self.lab)
        _ = try open(emu, 5)
        #expect(throws: EmulatorErrno(EBUSY)) { try emu.open(.channel(5)).get() }
        #expect(throws: EmulatorErrno(ENXIO)) { try emu.open(.channel(500)).get() }
        let p = try emu.open(.pseudo).get()
        let channo = emu.ioctl(p, command: UInt32(truncatingIfNeeded: CDAHDI_CHANNO), input: [])
        #expect(channo == .success(result: 0, output: int32(65)))
        let unbound = try emu.open(.channelDevice).get()
        #expect(emu.ioctl(unbound, command: UInt32(truncatingIfNeeded: CDAHDI_SPECIFY), input: int32(5))
                == .failure(errno: EBUSY))
        #expect(emu.ioctl(unbound, command: UInt32(truncatingIfNeeded: CDAHDI_SPECIFY), input: [1])
                == .failure(errno: EINVAL), "a truncated argument is refused")
    }

    @Test("the timer fires every configured interval and TIMERACK clears it")
    func timer() throws {
        let emu = DeviceEmulator(lab: Self.lab)
        let t = try emu.open(.timer).get()
        _ = emu.ioctl(t, command: UInt32(truncatingIfNeeded: CDAHDI_TIMERCONFIG), input: int32(80))
        for _ in 0..<9 { emu.lock.withLock { emu.tick() } }
        #expect(emu.poll(t, waiter: nil) == 0)
        emu.lock.withLock { emu.tick() }
        #expect(emu.poll(t, waiter: nil) == Int16(POLLPRI))
        #expect(emu.ioctl(t, command: UInt32(truncatingIfNeeded: CDAHDI_TIMERACK), input: int32(1))
                == .success(result: 1, output: []))
        #expect(emu.poll(t, waiter: nil) == 0)
    }

    @Test("DAHDI_SPANSTAT reports the lab's spans and the loss of a pulled cable")
    func spanStatus() throws {
        let emu = DeviceEmulator(lab: Self.lab)
        let ctl = try emu.open(.control).get()
        guard case let .success(_, raw) = emu.ioctl(ctl, command: UInt32(truncatingIfNeeded: CDAHDI_SPANSTAT), input: int32(1)) else {
            Issue.record("SPANSTAT failed")
            return
        }
        var status = cdahdi_span_status()
        raw.withUnsafeBytes { cdahdi_spaninfo_decode($0.baseAddress, &status) }
        #expect(status.totalchans == 31)
        #expect(status.alarms == 0)
        _ = try emu.perform(.pull(cable: "t"))
        guard case let .success(_, after) = emu.ioctl(ctl, command: UInt32(truncatingIfNeeded: CDAHDI_SPANSTAT), input: int32(2)) else { return }
        after.withUnsafeBytes { cdahdi_spaninfo_decode($0.baseAddress, &status) }
        #expect(status.alarms & Int32(DAHDI_ALARM_RED) != 0)
        #expect(emu.ioctl(ctl, command: UInt32(truncatingIfNeeded: CDAHDI_SPANSTAT), input: int32(9)) == .failure(errno: EINVAL))
        #expect(emu.ioctl(ctl, command: 0xDEAD, input: []) == .failure(errno: ENOTTY))
    }
}

@Suite("Cable impairments")
struct ImpairmentTests {
    @Test("each G.168 echo path returns the sent signal attenuated by its ERL", arguments: 2...9)
    func echoReturnLoss(model: Int) throws {
        var path = try #require(EchoPath(model: model, erlDB: 12, delayMs: 0))
        var noise = SplitMix64(seed: UInt64(model))
        var sent: Double = 0
        var echoed: Double = 0
        for n in 0..<16_000 {
            let s = Int16(clamping: Int(noise.gaussian() * 3000))
            let e = path.echo(of: s)
            if n >= 8000 {
                sent += Double(s) * Double(s)
                echoed += Double(e) * Double(e)
            }
        }
        let erl = 10 * log10(sent / echoed)
        #expect(abs(erl - 12) < 1.5, "model D.\(model) echo return loss \(erl) dB")
    }

    @Test("an unknown echo model is refused")
    func unknownModel() {
        #expect(EchoPath(model: 1, erlDB: 10, delayMs: 0) == nil)
        #expect(EchoPath(model: 10, erlDB: 10, delayMs: 0) == nil)
    }

    @Test("gain and delay act as configured")
    func gainAndDelay() {
        var imp = DirectionImpairment(gainDB: -6, noiseDBm0: nil, delayMs: 1)
        var out: [Int16] = []
        for n in 0..<16 { out.append(imp.process(n == 0 ? 10_000 : 0)) }
        #expect(out[0..<8].allSatisfy { $0 == 0 })
        #expect(abs(Int(out[8]) - 5012) <= 1)
    }
}
