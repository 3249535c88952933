import Foundation
@testable import PSTNEngine
import Testing

/// Drives a media group by hand with synthetic line audio: one call to `cycle` is one chunk.
final class GroupBench {
    let group: MediaGroup
    let chunk: Int
    var events: [MediaEvent] = []

    init(channels: Int, settings: MediaSettings = MediaSettings(chunkSamples: 160, echoCancellerOn: false)) throws {
        let zone = try #require(ToneZone(country: "us"))
        group = try MediaGroup(channels: (0..<channels).map {
            MediaChannelConfiguration(name: "ch\($0)", line: nil, law: .aLaw, zone: zone)
        }, settings: settings)
        chunk = settings.chunkSamples
        for slot in 0..<channels { group.send(MediaCommand(channel: slot, .activate)) }
    }

    /// One chunk: `input[slot]` linear samples (silence when missing); returns what each sent, decoded.
    @discardableResult
    func cycle(_ input: [Int: [Int16]] = [:]) -> [[Int16]] {
        for slot in 0..<group.channelCount {
            let line = group.line(slot: slot)
            let samples = input[slot] ?? [Int16](repeating: 0, count: chunk)
            for i in 0..<chunk { line.input[i] = G711.aLaw.encode(i < samples.count ? samples[i] : 0) }
        }
        group.markAllReady()
        group.runCycle()
        while let e = group.nextEvent() { events.append(e) }
        return (0..<group.channelCount).map { slot in group.line(slot: slot).output.map { G711.aLaw.decode($0) } }
    }

    /// Run `signal` into `slot` chunk by chunk; returns everything each channel sent.
    func run(_ signal: [Int16], into slot: Int, extraChunks: Int = 0) -> [[Int16]] {
        var sent = [[Int16]](repeating: [], count: group.channelCount)
        let chunks = (signal.count + chunk - 1) / chunk + extraChunks
        for c in 0..<chunks {
            let start = c * chunk
            let piece = start < signal.count ? Array(signal[start..<min(start + chunk, signal.count)]) : []
            for (slot, out) in cycle([slot: piece]).enumerated() { sent[slot] += out }
        }
        return sent
    }
}

/// Linear test signals for the media loop tests.
enum LoopSignal {
    static func sine(_ hz: Double, dBm0: Double, ms: Int, plus other: Double? = nil) -> [Int16] {
        let a = 22_786 * pow(10, dBm0 / 20)
        return (0..<(ms * 8)).map { n in
            let t = Double(n) / 8000
            let v = a * sin(2 * .pi * hz * t) + (other.map { a * sin(2 * .pi * $0 * t) } ?? 0)
            return Int16(clamping: Int(v.rounded()))
        }
    }

    static func silence(ms: Int) -> [Int16] { [Int16](repeating: 0, count: ms * 8) }

    static func power(_ x: ArraySlice<Int16>) -> Double {
        x.isEmpty ? 0 : x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)
    }
}

@Suite("Media group: the per-channel pipeline driven by commands")
struct MediaGroupTests {
    @Test("a prompt is sent bit-exact, then reported finished with its length")
    func promptBitExact() throws {
        let bench = try GroupBench(channels: 2)
        let samples = (0..<1000).map { Int16(truncatingIfNeeded: ($0 * 7919) % 20000 - 10000) }
        let request = PlayRequest(id: 7, prompts: [Prompt(name: "p", samples: samples)])
        bench.group.send(MediaCommand(channel: 1, .play(LoopReference(retaining: request))))
        let sent = bench.run([], into: 0, extraChunks: 8)
        let expected = samples.map { G711.aLaw.decode(G711.aLaw.encode($0)) }
        #expect(Array(sent[1].prefix(1000)) == expected, "prompt not bit-exact")
        #expect(sent[1][1000...].allSatisfy { $0 == G711.aLaw.decode(G711.aLaw.silence) })
        #expect(sent[0].allSatisfy { $0 == G711.aLaw.decode(G711.aLaw.silence) })
        #expect(bench.events.contains(MediaEvent(channel: 1, kind: .playFinished(id: 7, samples: 1000, reason: .completed))))
    }

    @Test("a key cuts a barge-in prompt and is reported with its duration")
    func bargeIn() throws {
        let bench = try GroupBench(channels: 1)
        let request = PlayRequest(id: 3, prompts: [Prompt(name: "long", samples: LoopSignal.sine(400, dBm0: -20, ms: 5000))],
                                  stopOnDTMF: true)
        bench.group.send(MediaCommand(channel: 0, .play(LoopReference(retaining: request))))
        let key = LoopSignal.silence(ms: 200) + LoopSignal.sine(852, dBm0: -10, ms: 100, plus: 1477) + LoopSignal.silence(ms: 200)
        let sent = bench.run(key, into: 0)
        #expect(bench.events.contains(MediaEvent(channel: 0, kind: .dtmfBegan(digit: UInt8(ascii: "9")))))
        let digit = bench.events.compactMap { e -> Int32? in
            if case let .dtmf(d, ms) = e.kind, d == UInt8(ascii: "9") { return ms } else { return nil }
        }
        #expect(digit.count == 1)
        #expect(abs(Int(digit.first ?? 0) - 100) <= 20, "duration \(digit)")
        let finished = bench.events.first { if case .playFinished(3, _, .dtmf) = $0.kind { true } else { false } }
        #expect(finished != nil)
        #expect(LoopSignal.power(sent[0].suffix(800)) < 100, "the prompt stopped")
    }

    @Test("a two-party bridge passes audio both ways within the same chunk")
    func bridge() throws {
        let bench = try GroupBench(channels: 3)
        bench.group.send(MediaCommand(channel: 0, .join(conference: 5, role: .participant)))
        bench.group.send(MediaCommand(channel: 1, .join(conference: 5, role: .participant)))
        let a = LoopSignal.sine(500, dBm0: -12, ms: 20)
        let b = LoopSignal.sine(1300, dBm0: -12, ms: 20)
        let out = bench.cycle([0: a, 1: b])
        let q = { (x: [Int16]) in x.map { G711.aLaw.decode(G711.aLaw.encode($0)) } }
        #expect(out[1] == q(q(a)), "B hears A in the same chunk")
        #expect(out[0] == q(q(b)), "A hears B in the same chunk")
        #expect(LoopSignal.power(out[2][...]) < 100)
        bench.group.send(MediaCommand(channel: 1, .leave))
        let after = bench.cycle([0: a, 1: b])
        #expect(LoopSignal.power(after[1][...]) < 100 && LoopSignal.power(after[0][...]) < 100)
    }

    @Test("whisper reaches the agent and not the caller; barge reaches both")
    func whisperAndBarge() throws {
        let bench = try GroupBench(channels: 3)
        for slot in 0..<2 { bench.group.send(MediaCommand(channel: slot, .join(conference: 0, role: .participant))) }
        bench.group.send(MediaCommand(channel: 2, .join(conference: 0, role: .whisperer(target: 1))))
        let coach = LoopSignal.sine(700, dBm0: -12, ms: 20)
        var out = bench.cycle([2: coach])
        #expect(LoopSignal.power(out[0][...]) < 100, "caller hears no whisper")
        #expect(LoopSignal.power(out[1][...]) > 1e5, "agent hears the whisper")
        bench.group.send(MediaCommand(channel: 2, .setRole(.participant)))
        out = bench.cycle([2: coach])
        #expect(LoopSignal.power(out[0][...]) > 1e5 && LoopSignal.power(out[1][...]) > 1e5)
        bench.group.send(MediaCommand(channel: 2, .setRole(.listener)))
        out = bench.cycle([2: coach, 0: LoopSignal.sine(300, dBm0: -12, ms: 20)])
        #expect(LoopSignal.power(out[1][...]) > 1e5 && LoopSignal.power(out[2][...]) > 1e5, "listener hears the caller")
        #expect(LoopSignal.power(out[0][...]) < 100, "nobody hears the listener")
    }

    @Test("digits are sent and tones play from the zone")
    func digitsAndTones() throws {
        let bench = try GroupBench(channels: 2)
        bench.group.send(MediaCommand(channel: 0, .sendDigits(try #require(DigitString("19#")))))
        var heard = ""
        let detector = DTMFDetector()
        for _ in 0..<40 {
            let out = bench.cycle()
            out[0].withUnsafeBufferPointer { detector.process($0) }
            while let e = detector.nextEvent() { if case .ended = e.kind { heard.append(e.character) } }
        }
        #expect(heard == "19#")
        let busy = try ToneSpecification(try #require(ToneZone(country: "us")?.definition(of: .busy)))
        bench.group.send(MediaCommand(channel: 1, .playTone(LoopReference(retaining: ToneRequest(id: 9, tone: busy)))))
        let progress = CallProgressDetector(zone: try #require(ToneZone(country: "us")))
        var found: [CallProgressTone] = []
        for _ in 0..<150 {
            let out = bench.cycle()
            out[1].withUnsafeBufferPointer { progress.process($0) }
            while let e = progress.nextEvent() { found.append(e.tone) }
        }
        #expect(found.contains(.busy))
        bench.group.send(MediaCommand(channel: 1, .stopTone))
        bench.cycle()
        #expect(LoopSignal.power(bench.cycle()[1][...]) < 100)
        #expect(bench.events.contains(MediaEvent(channel: 1, kind: .toneFinished(id: 9))))
    }

    @Test("gain in tenths of a dB scales both directions")
    func gain() throws {
        let bench = try GroupBench(channels: 2)
        bench.group.send(MediaCommand(channel: 0, .join(conference: 1, role: .participant)))
        bench.group.send(MediaCommand(channel: 1, .join(conference: 1, role: .participant)))
        bench.group.send(MediaCommand(channel: 0, .gain(receiveTenthsDB: 60, transmitTenthsDB: 0)))
        let a = LoopSignal.sine(1000, dBm0: -20, ms: 20)
        let plain = LoopSignal.power(a[...])
        let out = bench.cycle([0: a])
        let ratio = 10 * log10(LoopSignal.power(out[1][...]) / plain)
        #expect(abs(ratio - 6) < 0.3, "measured \(ratio) dB")
    }

    @Test("a fax answer tone turns the echo canceller off and is reported")
    func faxDisablesEcho() throws {
        let bench = try GroupBench(channels: 1, settings: MediaSettings(chunkSamples: 80, echoCancellerOn: true))
        _ = bench.run(LoopSignal.sine(2100, dBm0: -12, ms: 3500), into: 0)
        #expect(bench.events.contains(MediaEvent(channel: 0, kind: .faxTone(.answer))))
        #expect(bench.events.contains(MediaEvent(channel: 0, kind: .echoCancellerDisabled)))
        #expect(!bench.group.channels[0].echoCanceller.isEnabled)
        bench.group.send(MediaCommand(channel: 0, .activate))
        bench.cycle()
        #expect(bench.group.channels[0].echoCanceller.isEnabled, "a new call starts with it on again")
    }

    @Test("bad commands are refused with a reason, never a crash")
    func rejections() throws {
        let bench = try GroupBench(channels: 2, settings: MediaSettings(chunkSamples: 160, echoCancellerOn: false,
                                                                          conferences: 2, conferenceCapacity: 2))
        bench.group.send(MediaCommand(channel: 99, .activate))
        bench.group.send(MediaCommand(channel: -1, .leave))
        bench.group.send(MediaCommand(channel: 0, .join(conference: 2, role: .participant)))
        bench.group.send(MediaCommand(channel: 0, .leave))
        bench.group.send(MediaCommand(channel: 0, .setRole(.listener)))
        bench.cycle()
        let reasons = bench.events.compactMap { e -> CommandRejection? in
            if case let .commandRejected(r) = e.kind { r } else { nil }
        }
        #expect(reasons == [.noSuchChannel, .noSuchChannel, .noSuchConference, .notInConference, .notInConference])
        #expect(DigitString("") == nil && DigitString("12X") == nil && DigitString(String(repeating: "1", count: 33)) == nil)
        #expect(DigitString("*#abcd0") != nil)
        let full = try GroupBench(channels: 3, settings: MediaSettings(chunkSamples: 160, conferences: 1, conferenceCapacity: 2))
        for slot in 0..<3 { full.group.send(MediaCommand(channel: slot, .join(conference: 0, role: .participant))) }
        full.cycle()
        #expect(full.events.contains(MediaEvent(channel: 2, kind: .commandRejected(.conferenceFull))))
    }

    @Test("deactivating ends playback, recording and conference membership")
    func deactivate() throws {
        let bench = try GroupBench(channels: 2)
        weak var released: PlayRequest?
        do {
            let request = PlayRequest(id: 1, prompts: [Prompt(name: "moh", samples: LoopSignal.sine(440, dBm0: -20, ms: 100))], loop: true)
            released = request
            bench.group.send(MediaCommand(channel: 0, .play(LoopReference(retaining: request))))
        }
        bench.group.send(MediaCommand(channel: 0, .join(conference: 0, role: .participant)))
        for _ in 0..<10 { bench.cycle() }
        bench.group.send(MediaCommand(channel: 0, .queryPlayback))
        bench.group.send(MediaCommand(channel: 0, .deactivate))
        bench.cycle()
        #expect(bench.events.contains(MediaEvent(channel: 0, kind: .playPosition(id: 1, samples: 1600))))
        #expect(bench.events.contains(MediaEvent(channel: 0, kind: .playFinished(id: 1, samples: 1600, reason: .deactivated))))
        #expect(bench.group.members[0] == 0)
        bench.cycle()
        #expect(released == nil, "the owner side released the finished request")
    }

    @Test("a burst of commands larger than one cycle's share is carried out over the next cycles, in order")
    func commandBurst() throws {
        let settings = MediaSettings(chunkSamples: 8, echoCancellerOn: true)
        let share = settings.commandsPerCycle
        let bench = try GroupBench(channels: share + share / 2, settings: settings)
        bench.group.send(MediaCommand(channel: 0, .deactivate))
        bench.cycle()
        #expect(bench.group.channels.prefix(share).allSatisfy { $0.isActive })
        #expect(!bench.group.channels.suffix(share / 2).contains { $0.isActive }, "only one cycle's share is taken")
        #expect(bench.group.commandsWaiting == share / 2 + 1)
        bench.cycle()
        #expect(bench.group.commandsWaiting == 0)
        #expect(bench.group.channels.dropFirst().allSatisfy { $0.isActive })
        #expect(!bench.group.channels[0].isActive, "the deactivation sent last came last")
    }

    @Test("a full command queue refuses the command, counts it and releases what it carried")
    func fullQueue() throws {
        let bench = try GroupBench(channels: 1, settings: MediaSettings(chunkSamples: 160, echoCancellerOn: false, commandQueueCapacity: 2))
        var queued = 1  // the activation
        while bench.group.send(MediaCommand(channel: 0, .stopPlayback)) { queued += 1 }
        #expect(queued == MediaSettings.commandsPerChannel, "a group's queue holds 16 commands per channel whatever the setting")
        weak var refused: PlayRequest?
        do {
            let request = PlayRequest(id: 1, prompts: [Prompt(name: "p", samples: [1, 2, 3])])
            refused = request
            #expect(!bench.group.send(MediaCommand(channel: 0, .play(LoopReference(retaining: request)))))
        }
        #expect(refused == nil, "the refused command's request was released")
        #expect(bench.group.statistics.snapshot.commandsRefused == 2)
        bench.cycle()
        #expect(bench.group.send(MediaCommand(channel: 0, .stopPlayback)), "room again once the loop has taken them")
    }

    @Test("a group that goes away releases what its channels and queue hold; a command for no channel releases what it carried")
    func releasedWithGroup() throws {
        func request() -> PlayRequest {
            PlayRequest(id: 1, prompts: [Prompt(name: "moh", samples: LoopSignal.sine(440, dBm0: -20, ms: 100))], loop: true)
        }
        weak var playing: PlayRequest?, queued: PlayRequest?, stray: PlayRequest?, unknown: PlayRequest?
        do {
            let bench = try GroupBench(channels: 1)
            do {
                let a = request(), b = request(), c = request(), d = request()
                (playing, queued, stray, unknown) = (a, b, c, d)
                bench.group.send(MediaCommand(channel: 0, .play(LoopReference(retaining: a))))
                bench.group.send(MediaCommand(channel: 7, .play(LoopReference(retaining: c))))
                bench.cycle()
                bench.cycle()
                #expect(bench.events.contains(MediaEvent(channel: 7, kind: .commandRejected(.noSuchChannel))))
                bench.group.send(MediaCommand(channel: 0, .play(LoopReference(retaining: b))))
                let engine = try MediaEngine(groups: [[MediaChannelConfiguration(name: "x", line: nil, law: .aLaw,
                                                                                 zone: try #require(ToneZone(country: "cn")))]],
                                             settings: MediaSettings())
                #expect(!engine.send(.play(LoopReference(retaining: d)), to: "nowhere"))
            }
            #expect(stray == nil, "the command for no channel handed its request back")
            #expect(unknown == nil, "the command for an unknown name released its request")
            #expect(playing != nil && queued != nil, "the group still holds the playing and the queued request")
        }
        #expect(playing == nil && queued == nil, "the group released them as it went")
    }

    @Test("settings out of range are refused naming the setting")
    func settingsValidation() {
        for bad in [MediaSettings(chunkSamples: 7), MediaSettings(chunkSamples: 161), MediaSettings(echoTailMilliseconds: 8),
                    MediaSettings(echoTailMilliseconds: 256), MediaSettings(conferenceCapacity: 1), MediaSettings(realtimePriority: 0)] {
            #expect(throws: MediaError.self) { try bad.validate() }
        }
        #expect(throws: MediaError.self) {
            let zone = ToneZone(country: "cn")!
            _ = try MediaGroup(channels: [MediaChannelConfiguration(name: "x", line: nil, law: .aLaw, zone: zone),
                                          MediaChannelConfiguration(name: "x", line: nil, law: .aLaw, zone: zone)],
                               settings: MediaSettings())
        }
    }
}

