import Foundation
import LabTestSupport
@testable import PSTNEngine
import Testing

/// The media loop on real (emulated) DAHDI channels: dahdi-emu carries the audio between the
/// engine's media thread and the carrier's side, which the test drives.
@Suite("Media loop across the lab", .serialized, .labAlone)
struct MediaLabTests {
    static let settings = MediaSettings(chunkSamples: 160, echoCancellerOn: false, detectors: [])

    @Test("a prompt reaches the far end bit-exact on a clean cable")
    func promptBitExact() throws {
        let lab = try LabInstance(lab: MediaLab.yaml)
        var settings = Self.settings
        // A generous cushion: a gap from a stalled test machine must not pass for altered audio.
        settings.writeAheadSamples = 160
        let engine = try MediaLab.engine([1], lab: lab, settings: settings)
        let far = try FarEnd([1 + MediaLab.farOffset], lab: lab)
        // A prompt made of A-law values, so that the line carries exactly these bytes.
        var seed: UInt64 = 0x9E37_79B9
        let bytes = (0..<8000).map { _ -> UInt8 in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: seed >> 33)
        }
        let prompt = Prompt(name: "pattern", samples: bytes.map { G711.aLaw.decode($0) })
        try engine.start()
        engine.group.send(MediaCommand(channel: 0, .play(LoopReference(retaining: PlayRequest(id: 1, prompts: [prompt])))))
        let heard = try far.run(chunks: 70) { _, _ in [UInt8](repeating: 0xD5, count: 160) }[0]
        engine.stop()
        let start = try #require(firstIndex(of: Array(bytes.prefix(32)), in: heard), "the prompt never arrived")
        #expect(Array(heard[start..<min(heard.count, start + bytes.count)]) == bytes, "the prompt arrived altered")
        var finished = false
        while let e = engine.group.nextEvent() {
            if e.kind == .playFinished(id: 1, samples: 8000, reason: .completed) { finished = true }
        }
        #expect(finished)
    }

    /// Where a marker sent by the far end of `from` shows up at the far end of `to`, in samples
    /// from the start of the far end's run, with `relay` moving the audio between the two.
    func markerDelay(lab: LabInstance, from: Int, to: Int) throws -> Int {
        let far = try FarEnd([from + MediaLab.farOffset, to + MediaLab.farOffset], lab: lab)
        var seed: UInt64 = 42
        let marker = (0..<160).map { _ -> UInt8 in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: seed >> 33) | 0x80
        }
        let markerChunk = 30
        let heard = try far.run(chunks: 60) { channel, k in
            channel == 0 && k == markerChunk ? marker : [UInt8](repeating: 0xD5, count: 160)
        }
        let at = try #require(firstIndex(of: Array(marker.prefix(24)), in: heard[1]), "the marker never crossed")
        return at - markerChunk * 160
    }

    @Test("a two-party bridge adds at most one chunk to the emulator's own delay, both ways")
    func bridgeDelay() throws {
        let lab = try LabInstance(lab: MediaLab.yaml)
        // The emulator's own delay: a plain relay that reads a chunk and writes it straight back out.
        let a = try DAHDIChannel(number: 1, in: lab.dahdi, nonBlocking: true)
        let b = try DAHDIChannel(number: 2, in: lab.dahdi, nonBlocking: true)
        for c in [a, b] { try c.setBlockSize(160) }
        let relaying = RelayThread(from: a, to: b)
        relaying.start()
        let emulatorDelay = try markerDelay(lab: lab, from: 1, to: 2)
        relaying.stop()
        withExtendedLifetime((a, b)) {}
        let configurations = [a, b].enumerated().map {
            MediaChannelConfiguration(name: "\($0.offset)", line: $0.element, law: .aLaw, zone: ToneZone(country: "cn")!)
        }
        let engine = try MediaThread(channels: configurations, settings: Self.settings)
        for slot in 0..<2 {
            engine.group.send(MediaCommand(channel: slot, .activate))
            engine.group.send(MediaCommand(channel: slot, .join(conference: 0, role: .participant)))
        }
        try engine.start()
        let forward = try markerDelay(lab: lab, from: 1, to: 2)
        let back = try markerDelay(lab: lab, from: 2, to: 1)
        engine.stop()
        print("bridge delay: emulator relay \(emulatorDelay) samples, engine \(forward) and \(back) samples")
        #expect(forward <= emulatorDelay + 160, "forward \(forward) vs relay \(emulatorDelay)")
        #expect(back <= emulatorDelay + 160, "back \(back) vs relay \(emulatorDelay)")
        #expect(forward > 0 && back > 0)
    }

    @Test("a 32-party conference gives every party the sum of the other 31")
    func conference32() throws {
        let lab = try LabInstance(lab: MediaLab.yaml)
        let numbers = Array(MediaLab.cleanBearers.prefix(32))
        var settings = Self.settings
        // 64 descriptors per chunk through FUSE on a shared machine: room for a stalled pass.
        settings.writeAheadSamples = 240
        settings.dahdiBuffers = 16
        let engine = try MediaLab.engine(numbers, lab: lab, settings: settings)
        for slot in numbers.indices { engine.group.send(MediaCommand(channel: slot, .join(conference: 3, role: .participant))) }
        let far = try FarEnd(numbers.map { $0 + MediaLab.farOffset }, lab: lab)
        // Party i speaks a constant 30 * (i + 1): the sums stay exact through A-law.
        let levels = numbers.indices.map { G711.aLaw.decode(G711.aLaw.encode(Int16(30 * ($0 + 1)))) }
        try engine.start()
        // Every party speaks; every fourth one's far end listens (fewer FUSE requests per chunk).
        let listening = Set(stride(from: 0, to: 32, by: 4))
        let heard = try far.run(chunks: 80, listening: listening) { i, _ in [UInt8](repeating: G711.aLaw.encode(levels[i]), count: 160) }
        engine.stop()
        let total = levels.reduce(0) { $0 + Int($1) }
        // Over the last second each listening party hears, most of the time, exactly the sum of
        // the other 31 (through A-law), and nothing else as often: a wrong mixer gives a wrong
        // value throughout. A chunk the shared test machine delivered late (a party missing
        // from one pass) is reported, not taken for a wrong mix.
        var worst = 1.0
        var wrongMix: [Int] = []
        for (i, h) in heard.enumerated() where listening.contains(i) {
            let expected = G711.aLaw.encode(Int16(clamping: total - Int(levels[i])))
            let tail = h.suffix(8000)
            var counts: [UInt8: Int] = [:]
            for b in tail { counts[b, default: 0] += 1 }
            if counts.max(by: { $0.value < $1.value })?.key != expected { wrongMix.append(i) }
            worst = min(worst, Double(counts[expected] ?? 0) / Double(max(1, tail.count)))
        }
        let stats = engine.statistics.snapshot
        print("32-party conference: worst party exact for \(Int(worst * 100))% of the last second; \(stats.cycles) passes, longest \(stats.longestCycleNanoseconds / 1000) us")
        #expect(wrongMix.isEmpty, "parties whose most frequent mix is wrong: \(wrongMix)")
        #expect(worst >= 0.5, "a party heard the right mix only \(Int(worst * 100))% of the time")
    }

    @Test("a supervisor's whisper is heard by the agent and not by the caller")
    func whisper() throws {
        let lab = try LabInstance(lab: MediaLab.yaml)
        let engine = try MediaLab.engine([1, 2, 3], lab: lab, settings: Self.settings)
        engine.group.send(MediaCommand(channel: 0, .join(conference: 0, role: .participant)))
        engine.group.send(MediaCommand(channel: 1, .join(conference: 0, role: .participant)))
        engine.group.send(MediaCommand(channel: 2, .join(conference: 0, role: .whisperer(target: 1))))
        let far = try FarEnd([1, 2, 3].map { $0 + MediaLab.farOffset }, lab: lab)
        let callerTone = FarAudio.encode(LoopSignal.sine(500, dBm0: -15, ms: 2000))
        let coachTone = FarAudio.encode(LoopSignal.sine(1500, dBm0: -15, ms: 2000))
        try engine.start()
        let heard = try far.run(chunks: 100) { i, k in
            let source = i == 0 ? callerTone : i == 2 ? coachTone : [UInt8](repeating: 0xD5, count: 16000)
            let start = (k * 160) % 15840
            return Array(source[start..<(start + 160)])
        }
        engine.stop()
        let caller = heard[0].suffix(8000), agent = heard[1].suffix(8000), supervisor = heard[2].suffix(8000)
        let sent = FarAudio.tonePower(callerTone[...], hz: 500)
        func dB(_ p: Double) -> Double { 10 * log10(max(p, 1e-9) / sent) }
        print("whisper: agent hears caller \(dB(FarAudio.tonePower(agent, hz: 500))) dB, coach \(dB(FarAudio.tonePower(agent, hz: 1500))) dB; caller hears coach \(dB(FarAudio.tonePower(caller, hz: 1500))) dB")
        #expect(dB(FarAudio.tonePower(agent, hz: 500)) > -1, "the agent hears the caller")
        #expect(dB(FarAudio.tonePower(agent, hz: 1500)) > -1, "the agent hears the whisper")
        #expect(dB(FarAudio.tonePower(caller, hz: 1500)) < -60, "the caller must not hear the whisper")
        #expect(dB(FarAudio.tonePower(supervisor, hz: 500)) > -1, "the supervisor hears the caller")
    }

    /// Run far-end noise into a bridge whose other leg echoes, and return (sent, echo heard) power.
    func echoReturn(lab: LabInstance, canceller: Bool) throws -> (sent: Double, returned: Double) {
        // A wide write-ahead margin: a gap on the line moves the echo path under the canceller,
        // and the test machine, not the canceller, would then be measured.
        let settings = MediaSettings(chunkSamples: 160, echoTailMilliseconds: 64, echoCancellerOn: canceller,
                                     nonLinearProcessor: false, detectors: [], dahdiBuffers: 16, writeAheadSamples: 240)
        let engine = try MediaLab.engine([1, MediaLab.echoBearer], lab: lab, settings: settings)
        for slot in 0..<2 { engine.group.send(MediaCommand(channel: slot, .join(conference: 0, role: .participant))) }
        let far = try FarEnd([1 + MediaLab.farOffset, MediaLab.echoBearer + MediaLab.farOffset], lab: lab)
        var seed: UInt64 = 7
        let noise = FarAudio.encode((0..<(8000 * 6)).map { _ -> Int16 in
            var sum = 0.0
            for _ in 0..<4 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                sum += Double(seed >> 11) / Double(1 << 53) - 0.5
            }
            return Int16(sum * 4000)
        })
        try engine.start()
        let heard = try far.run(chunks: 300) { i, k in
            i == 0 ? Array(noise[(k * 160)..<((k + 1) * 160)]) : [UInt8](repeating: 0xD5, count: 160)
        }
        engine.stop()
        if canceller { print("echo across the lab: the canceller found the echo's peak \(engine.group.channels[1].echoCanceller.echoDelaySamples) samples after what was sent") }
        return (FarAudio.power(noise[...]), FarAudio.power(heard[0].suffix(16000)))
    }

    @Test("a G.168 echo path on the cable is cancelled by at least 30 dB")
    func echoCancelled() throws {
        let lab = try LabInstance(lab: MediaLab.yaml)
        let without = try echoReturn(lab: lab, canceller: false)
        let with = try echoReturn(lab: lab, canceller: true)
        let erl = 10 * log10(without.sent / without.returned)
        let erle = 10 * log10(without.returned / with.returned)
        print("echo across the lab: ERL \(erl) dB, cancelled by \(erle) dB")
        #expect(erl > 3 && erl < 20, "the cable's echo came back at \(erl) dB ERL")
        #expect(erle >= 30, "the canceller took out only \(erle) dB")
    }
}

/// The baseline for delay: read a chunk from one channel and write it straight to another.
final class RelayThread: @unchecked Sendable {
    private let from: DAHDIChannel
    private let to: DAHDIChannel
    private let running = ManagedAtomicFlag()
    private var thread: Thread?

    init(from: DAHDIChannel, to: DAHDIChannel) {
        self.from = from
        self.to = to
    }

    func start() {
        running.set(true)
        let t = Thread { [self] in
            // Non-blocking both ways, waiting in poll: see `FarEnd` on why.
            while running.value {
                _ = try? from.poll(for: [.readable], timeoutMilliseconds: 50)
                guard let chunk = try? from.readChunk(), !chunk.isEmpty else { continue }
                while running.value {
                    _ = try? to.poll(for: [.writable], timeoutMilliseconds: 50)
                    if (try? to.writeAll(chunk)) != nil { break }
                }
            }
        }
        thread = t
        t.start()
    }

    func stop() {
        running.set(false)
        while thread?.isFinished == false { usleep(1000) }
    }
}

/// A Boolean shared between the test and its relay thread.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool { lock.withLock { flag } }
    func set(_ v: Bool) { lock.withLock { flag = v } }
}
