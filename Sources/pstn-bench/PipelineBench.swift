import Foundation
import PSTNEngine

/// The whole per-channel pipeline as the media loop runs it (G.711, echo canceller with a 64 ms
/// tail, DTMF, fax-tone and call-progress detection, a looping prompt, a stereo recording tap),
/// paced by the clock at the chunk period on one core, against the floor: the same DSP calls
/// made back to back with nothing around them.
struct PipelineBench {
    let channels: Int
    let chunk: Int
    let seconds: Double
    let writer: RecordingWriter
    let directory: String

    static let traffic: [UInt8] = testAudio(count: 8000 * 4, seed: 3).map { G711.aLaw.encode($0) }
    static let prompt = Prompt(name: "hold", samples: testAudio(count: 8000 * 3, seed: 4).map { $0 / 2 })

    var cycles: Int { max(1, Int(seconds * 8000) / chunk) }
    /// The back-to-back costs are the best of this many runs of a third of the time each,
    /// pipeline and floor in turn: the machine is shared, and a run that another guest
    /// interrupted says nothing about the code.
    static let repeats = 3

    func settings() -> MediaSettings {
        MediaSettings(chunkSamples: chunk, echoTailMilliseconds: 64, echoCancellerOn: true, nonLinearProcessor: true,
                      detectors: .all, conferences: 0, commandQueueCapacity: 4 * channels + 16,
                      eventQueueCapacity: 65536)
    }

    /// Fill a channel's received chunk from the traffic, each channel at its own offset.
    @inline(__always)
    static func fill(_ input: UnsafeMutableBufferPointer<UInt8>, channel: Int, cycle: Int) {
        let t = traffic
        let start = (channel * 997 + cycle * input.count) % (t.count - input.count)
        t.withUnsafeBufferPointer { src in
            input.baseAddress!.update(from: src.baseAddress! + start, count: input.count)
        }
    }

    func session(_ id: Int, _ tag: String) throws -> RecordingSession {
        let s = try RecordingSession(id: id, path: "\(directory)/\(tag)-\(chunk)-\(channels)-\(id).wav",
                                     format: .wavPCM16, layout: .stereo)
        writer.add(s)
        return s
    }

    /// Returns the pipeline's figures. `paced`: one cycle per chunk period on the clock, as the
    /// loop runs (deadline misses mean something); otherwise back to back, as the floor runs
    /// (so the two costs compare like for like, with the caches equally warm).
    func runPipeline(paced: Bool, cycles: Int? = nil) throws -> PipelineRun {
        let zone = ToneZone(country: "cn")!
        let group = try MediaGroup(channels: (0..<channels).map {
            MediaChannelConfiguration(name: "\($0)", line: nil, law: .aLaw, zone: zone)
        }, settings: settings())
        for c in 0..<channels {
            group.send(MediaCommand(channel: c, .activate))
            group.send(MediaCommand(channel: c, .play(LoopReference(retaining: PlayRequest(id: 1, prompts: [Self.prompt], loop: true)))))
            group.send(MediaCommand(channel: c, .record(LoopReference(retaining: try session(c, "pipeline")))))
        }
        let lines = (0..<channels).map { group.line(slot: $0).input }
        let period = chunk * 125_000
        var busy = 0, misses = 0, longest = 0, missesOnCPU = 0, offCPU = 0
        var firstMisses: [(cycle: Int, nanoseconds: Int, onCPU: Int)] = []
        firstMisses.reserveCapacity(PipelineRun.missesListed)
        var next = MonotonicClock.now() + period
        let cycles = cycles ?? self.cycles
        var probes = [Int](repeating: 0, count: cycles), missed = [Bool](repeating: false, count: cycles)
        var probed: UInt64 = 0
        for cycle in 0..<cycles {
            if paced {
                MonotonicClock.sleep(until: next)
                let before = MonotonicClock.now()
                probed ^= Self.probe(UInt64(cycle))
                probes[cycle] = MonotonicClock.now() - before
            }
            let started = MonotonicClock.now()
            let cpuStarted = paced ? threadCPUNanoseconds() : 0
            for c in 0..<channels { Self.fill(lines[c], channel: c, cycle: cycle) }
            group.markAllReady()
            group.runCycle()
            let cpuFinished = paced ? threadCPUNanoseconds() : 0
            let work = MonotonicClock.now() - started
            let onCPU = paced ? cpuFinished - cpuStarted : work
            busy += work
            longest = max(longest, work)
            offCPU += max(0, work - onCPU)
            if onCPU > period { missesOnCPU += 1 }
            if work > period {
                misses += 1
                missed[cycle] = true
                if firstMisses.count < PipelineRun.missesListed { firstMisses.append((cycle, work, onCPU)) }
            }
            next += period
            while group.nextEvent() != nil {}
        }
        for c in 0..<channels { group.send(MediaCommand(channel: c, .deactivate)) }
        // A cycle takes only its share of the commands: run until every channel has stopped
        // (their recordings closed, their prompts handed back).
        while group.commandsWaiting > 0 {
            group.markAllReady()
            group.runCycle()
            while group.nextEvent() != nil {}
        }
        if probed == 1 { print("") }  // keeps the probe's arithmetic from being optimised away
        return PipelineRun(nsPerChannel: Double(busy) / Double(channels) / (Double(cycles * chunk) / 160), misses: misses,
                           missesOnCPU: missesOnCPU, offCPUMicroseconds: Double(offCPU) / 1000,
                           longestMicroseconds: Double(longest) / 1000, firstMisses: firstMisses,
                           probeNanoseconds: paced ? median(probes) : nil,
                           probeNanosecondsMissed: median(probes.indices.filter { missed[$0] }.map { probes[$0] }))
    }

    /// A fixed piece of arithmetic that touches no memory (a chain of dependent multiplies),
    /// timed before each paced cycle. When it slows down along with the cycles that miss, the
    /// processor itself ran slower then (another guest on the core, a lower clock); when it does
    /// not, what slowed was the memory the pipeline works through.
    @inline(never)
    static func probe(_ seed: UInt64) -> UInt64 {
        var x = seed | 1
        for _ in 0..<1000 { x = (x ^ (x &>> 29)) &* 6_364_136_223_846_793_005 }
        return x
    }

    private func median(_ values: [Int]) -> Int? {
        values.isEmpty ? nil : values.sorted()[values.count / 2]
    }

    /// The floor: the same blocks called directly, back to back.
    func runFloor(cycles: Int) throws -> Double {
        let zone = ToneZone(country: "cn")!
        let cancellers = try (0..<channels).map { _ in
            try EchoCanceller(settings: EchoCancellerSettings(tailMilliseconds: 64, nonLinearProcessor: true))
        }
        let dtmf = (0..<channels).map { _ in DTMFDetector() }
        let fax = (0..<channels).map { _ in FaxToneDetector() }
        let progress = (0..<channels).map { _ in CallProgressDetector(zone: zone) }
        let players = (0..<channels).map { _ in PromptPlayer() }
        for p in players { p.play([Self.prompt], loop: true) }
        let sessions = try (0..<channels).map { try session($0, "floor") }
        let lineIn = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunk)
        let lineOut = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunk)
        let received = UnsafeMutableBufferPointer<Int16>.allocate(capacity: chunk)
        let clean = UnsafeMutableBufferPointer<Int16>.allocate(capacity: chunk)
        let sent = UnsafeMutableBufferPointer<Int16>.allocate(capacity: chunk)
        defer { [lineIn, lineOut].forEach { $0.deallocate() }; [received, clean, sent].forEach { $0.deallocate() } }
        sent.initialize(repeating: 0)
        let started = MonotonicClock.now()
        for cycle in 0..<cycles {
            for c in 0..<channels {
                Self.fill(lineIn, channel: c, cycle: cycle)
                G711.aLaw.decode(UnsafeBufferPointer(lineIn), into: received)
                cancellers[c].process(reference: UnsafeBufferPointer(sent), received: UnsafeBufferPointer(received), output: clean)
                let audio = UnsafeBufferPointer(clean)
                dtmf[c].process(audio)
                while dtmf[c].nextEvent() != nil {}
                fax[c].process(audio)
                while fax[c].nextEvent() != nil {}
                progress[c].process(audio)
                while progress[c].nextEvent() != nil {}
                _ = players[c].render(into: sent)
                sessions[c].append(received: audio, sent: UnsafeBufferPointer(sent))
                G711.aLaw.encode(UnsafeBufferPointer(sent), into: lineOut)
            }
        }
        let elapsed = MonotonicClock.now() - started
        for s in sessions { s.finish() }
        return Double(elapsed) / Double(channels) / (Double(cycles * chunk) / 160)
    }

    func run() throws {
        var floor = Double.infinity, pipeline = Double.infinity
        for _ in 0..<Self.repeats {
            floor = min(floor, try runFloor(cycles: max(1, cycles / Self.repeats)))
            pipeline = min(pipeline, try runPipeline(paced: false, cycles: max(1, cycles / Self.repeats)).nsPerChannel)
        }
        let paced = try runPipeline(paced: true, cycles: cycles)
        let load = paced.nsPerChannel * Double(channels) / 20_000_000
        emit([("bench", json("pipeline")), ("channels", "\(channels)"), ("chunk_samples", "\(chunk)"),
              ("pipeline_ns_per_channel_per_20ms", number(pipeline)),
              ("floor_ns_per_channel_per_20ms", number(floor)),
              ("ratio", number(pipeline / floor, 2)),
              ("channels_per_core", number(20_000_000 / pipeline)),
              ("paced_ns_per_channel_per_20ms", number(paced.nsPerChannel)),
              ("paced_core_load", number(load, 3)),
              ("cycles", "\(cycles)"), ("deadline_misses", "\(paced.misses)"),
              ("deadline_misses_on_cpu", "\(paced.missesOnCPU)"),
              ("off_cpu_us", number(paced.offCPUMicroseconds, 1)),
              ("longest_cycle_us", number(paced.longestMicroseconds, 1)),
              ("probe_ns_median", paced.probeNanoseconds.map { "\($0)" } ?? "null"),
              ("probe_ns_median_in_missed_cycles", paced.probeNanosecondsMissed.map { "\($0)" } ?? "null"),
              ("missed_cycles", "[" + paced.firstMisses.map {
                  "[\($0.cycle),\(number(Double($0.nanoseconds) / 1000, 1)),\(number(Double($0.onCPU) / 1000, 1))]"
              }
                  .joined(separator: ",") + "]")])
    }
}

/// What one run of the pipeline measured.
struct PipelineRun {
    var nsPerChannel: Double
    var misses: Int
    /// Paced cycles whose work took longer than the period in the thread's own CPU time: misses
    /// that would have happened had the processor not been taken away.
    var missesOnCPU: Int
    /// Time, over the paced cycles' work, that the thread was off its processor.
    var offCPUMicroseconds: Double
    var longestMicroseconds: Double
    /// The first missed cycles: their index from the start, their work and its CPU time.
    var firstMisses: [(cycle: Int, nanoseconds: Int, onCPU: Int)]
    /// The fixed probe's time before each paced cycle: the median over every cycle and over the
    /// missed ones (nil when none).
    var probeNanoseconds: Int?
    var probeNanosecondsMissed: Int?
    /// How many missed cycles a run lists.
    static let missesListed = 8
}
