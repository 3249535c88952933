import Foundation
import LabTestSupport
import PSTNEngine

/// The lab the media tests run on: three E1 spans on the engine's card cabled to three on the
/// carrier's; the third cable reflects the engine's audio back through a G.168 echo path.
enum MediaLab {
    static let yaml = """
    cards:
      - name: engine
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
      - name: carrier
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
    cables:
      - { name: t1, a: engine/span1, b: carrier/span1 }
      - { name: t2, a: engine/span2, b: carrier/span2 }
      - name: echo-trunk
        a: engine/span3
        b: carrier/span3
        impairments: { echo: { model: 4, erl: 6, delay_ms: 5, at: a } }
    """

    /// Engine channels are 1-93, the carrier's 94-186; the far end of engine channel n is n + 93.
    static let farOffset = 93
    /// Bearer channels on the two clean engine spans (timeslot 16 is the D-channel).
    static let cleanBearers = (1...62).filter { $0 != 16 && $0 != 47 }
    /// The first bearer behind the echoing cable.
    static let echoBearer = 63

    /// Open engine channels for a media thread, as the signalling layer would, and build its group.
    static func engine(_ numbers: [Int], lab: LabInstance, settings: MediaSettings) throws -> MediaThread {
        let zone = ToneZone(country: "cn")!
        let configurations = try numbers.map { n in
            MediaChannelConfiguration(name: "\(n)", line: try open(n, lab: lab), law: .aLaw, zone: zone)
        }
        let thread = try MediaThread(channels: configurations, settings: settings)
        for slot in numbers.indices { thread.group.send(MediaCommand(channel: slot, .activate)) }
        return thread
    }
}

extension MediaLab {
    /// Open a channel, waiting out the emulator's EBUSY for a moment: FUSE delivers the release
    /// of a just-closed descriptor asynchronously, so a quick reopen can find it still held.
    static func open(_ number: Int, lab: LabInstance, nonBlocking: Bool = false) throws -> DAHDIChannel {
        for _ in 0..<100 {
            do {
                return try DAHDIChannel(number: number, in: lab.dahdi, nonBlocking: nonBlocking)
            } catch {
                guard error.errno == EBUSY else { throw error }
                usleep(10_000)
            }
        }
        return try DAHDIChannel(number: number, in: lab.dahdi, nonBlocking: nonBlocking)
    }
}

/// The carrier's side of some channels, driven by the test in lockstep: each chunk it writes
/// one chunk to every channel and reads one from every channel, four chunks ahead on writes.
/// Its I/O never blocks inside the emulator: the kernel serialises writes to one FUSE file, and
/// every channel opened through /dev/dahdi/channel is that one file, so a write parked in the
/// emulator would stall the engine's writes too. It waits in poll instead.
final class FarEnd {
    let channels: [DAHDIChannel]
    let chunk = 160

    init(_ numbers: [Int], lab: LabInstance) throws {
        channels = try numbers.map { try MediaLab.open($0, lab: lab, nonBlocking: true) }
        for c in channels {
            try c.setBlockSize(chunk)
            try c.setBuffers(count: 8, size: chunk)
        }
    }

    /// Run `chunks` chunks; `source(channel, chunkIndex)` gives the bytes to send (160).
    /// Returns what each channel in `listening` (all by default) heard; the others are not read.
    func run(chunks: Int, listening: Set<Int>? = nil, source: (Int, Int) -> [UInt8]) throws -> [[UInt8]] {
        var heard = [[UInt8]](repeating: [], count: channels.count)
        let ahead = 4
        for (i, c) in channels.enumerated() {
            for k in 0..<min(ahead, chunks) { try send(source(i, k), on: c) }
        }
        for k in 0..<chunks {
            for (i, c) in channels.enumerated() {
                if k + ahead < chunks { try send(source(i, k + ahead), on: c) }
                if listening?.contains(i) ?? true { heard[i] += try receive(from: c) }
            }
        }
        return heard
    }

    private func send(_ bytes: [UInt8], on c: DAHDIChannel) throws {
        while true {
            _ = try c.poll(for: [.writable], timeoutMilliseconds: 100)
            do {
                try c.writeAll(bytes)
                return
            } catch {
                guard error.errno == EAGAIN else { throw error }
            }
        }
    }

    private func receive(from c: DAHDIChannel) throws -> [UInt8] {
        for _ in 0..<50 {
            _ = try c.poll(for: [.readable], timeoutMilliseconds: 100)
            do {
                return try c.readChunk()
            } catch {
                guard error.errno == EAGAIN else { throw error }
            }
        }
        throw LabError("channel \(c.number) delivered nothing for 5 s")
    }
}

/// A-law bytes for linear samples, and the power of decoded A-law, for the lab tests.
enum FarAudio {
    static func encode(_ samples: [Int16]) -> [UInt8] { samples.map { G711.aLaw.encode($0) } }
    static func decode(_ bytes: ArraySlice<UInt8>) -> [Double] { bytes.map { Double(alawToLinear($0)) } }
    static func power(_ bytes: ArraySlice<UInt8>) -> Double {
        let x = decode(bytes)
        return x.isEmpty ? 0 : x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
    }
    /// Power at `hz`, measured chunk by chunk and averaged, so that a gap the test machine
    /// caused between chunks does not read as a missing tone.
    static func tonePower(_ bytes: ArraySlice<UInt8>, hz: Double) -> Double {
        let starts = Array(stride(from: bytes.startIndex, to: bytes.endIndex - 159, by: 160))
        guard !starts.isEmpty else { return 0 }
        return starts.reduce(0) { $0 + goertzel(bytes[$1..<($1 + 160)], hz: hz) } / Double(starts.count)
    }

    /// Power at `hz` (Goertzel, normalised to the mean square of a sine of that amplitude).
    static func goertzel(_ bytes: ArraySlice<UInt8>, hz: Double) -> Double {
        let x = decode(bytes)
        let w = 2 * Double.pi * hz / 8000
        var s1 = 0.0, s2 = 0.0
        for v in x {
            let s = v + 2 * cos(w) * s1 - s2
            s2 = s1
            s1 = s
        }
        let p = s1 * s1 + s2 * s2 - 2 * cos(w) * s1 * s2
        return 2 * p / Double(x.count * x.count)
    }
}
