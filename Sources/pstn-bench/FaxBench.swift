import FaxService
import Foundation
import PSTNEngine

/// Faxes beside voice: 30 faxes in progress at once (60 channels of one emulated E1 pair, each
/// fax's two machines cabled back to back, T.30 on the fax worker) while the voice pipeline runs
/// paced on its own thread; the voice figures with and without the faxes, and what the faxes
/// moved meanwhile.
struct FaxBench {
    let voiceChannels: Int
    /// The voice pipeline's chunk (the faxes' group always runs 20 ms chunks).
    let voiceChunk: Int
    let faxes: Int
    let seconds: Double
    let writer: RecordingWriter
    let directory: String

    /// A paced voice run, optionally with the faxes going on beside it.
    func run() throws {
        let quiet = try PipelineBench(channels: voiceChannels, chunk: voiceChunk, seconds: seconds, writer: writer, directory: directory)
            .runPipeline(paced: true)
        let document = directory + "/fax-bench.tif"
        try writeDocument(document)
        let pairs = try FaxPairs(count: faxes, document: document, directory: directory)
        pairs.start()
        let busy = try PipelineBench(channels: voiceChannels, chunk: voiceChunk, seconds: seconds, writer: writer, directory: directory)
            .runPipeline(paced: true)
        let faxFigures = pairs.stop()
        emit([("bench", json("fax_beside_voice")), ("voice_channels", "\(voiceChannels)"), ("voice_chunk_samples", "\(voiceChunk)"),
              ("faxes", "\(faxes)"),
              ("seconds", number(seconds, 1)),
              ("voice_ns_per_channel_per_20ms", number(quiet.nsPerChannel)),
              ("voice_ns_per_channel_per_20ms_with_faxes", number(busy.nsPerChannel)),
              ("voice_deadline_misses", "\(quiet.misses)"), ("voice_deadline_misses_with_faxes", "\(busy.misses)"),
              ("voice_longest_cycle_us", number(quiet.longestMicroseconds, 1)),
              ("voice_longest_cycle_us_with_faxes", number(busy.longestMicroseconds, 1)),
              ("fax_group_deadline_misses", "\(faxFigures.misses)"), ("fax_underrun_samples_while_running", "\(faxFigures.underruns)"),
              ("fax_pages_moved", "\(faxFigures.pages)"), ("faxes_completed", "\(faxFigures.completed)"), ("faxes_still_running", "\(faxes - faxFigures.completed - faxFigures.failed)"),
              ("faxes_failed", "\(faxFigures.failed)")])
    }

    /// A document long enough to keep every fax going for the whole run: ten pages of text at
    /// fine resolution (a page about every 15 s at 14400 bps), rendered by Ghostscript.
    private func writeDocument(_ path: String) throws {
        let ps = directory + "/fax-bench.ps"
        var text = "%!PS\n/Helvetica findfont 12 scalefont setfont\n"
        for page in 1...10 {
            for line in 0..<20 { text += "50 \(780 - line * 18) moveto (Fax beside voice, page \(page), line \(line + 1): 0123456789 ABCDEFGHIJ) show\n" }
            text += "showpage\n"
        }
        try text.write(toFile: ps, atomically: true, encoding: .utf8)
        _ = try FaxDocumentConverter().convert(ps, to: path, resolution: .fine)
    }
}

/// `count` faxes, each between two channels of one media group whose lines are cabled to each
/// other; the group runs paced on its own thread, T.30 on a fax worker.
final class FaxPairs: @unchecked Sendable {
    private let group: MediaGroup
    private let worker = FaxWorker()
    private let streams: [AudioStream]
    private let sessions: [FaxSession]
    private let lock = NSLock()
    private var outcomes: [FaxOutcome] = []
    private var running = true
    private var misses = 0
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(count: Int, document: String, directory: String) throws {
        let zone = ToneZone(country: "cn")!
        group = try MediaGroup(index: 1, channels: (0..<(2 * count)).map {
            MediaChannelConfiguration(name: "fax\($0)", line: nil, law: .aLaw, zone: zone)
        }, settings: MediaSettings(chunkSamples: 160, echoTailMilliseconds: 64, commandQueueCapacity: 8 * count + 16,
                                   eventQueueCapacity: 65536))
        streams = (0..<(2 * count)).map { AudioStream(id: Int32($0)) }
        sessions = try (0..<(2 * count)).map { c in
            c % 2 == 0 ? try FaxSession(role: .send(document: document), callingParty: true, options: .init(ident: "\(c)"))
                       : try FaxSession(role: .receive(into: "\(directory)/fax-bench-\(c).tif"), callingParty: false)
        }
    }

    func start() {
        for c in 0..<streams.count {
            group.send(MediaCommand(channel: c, .activate))
            group.send(MediaCommand(channel: c, .echoCanceller(on: false)))
            group.send(MediaCommand(channel: c, .stream(LoopReference(retaining: streams[c]))))
            let session = sessions[c], stream = streams[c], worker = self.worker
            Task {
                let outcome = await worker.run(session, over: stream)
                self.lock.withLock { self.outcomes.append(outcome) }
            }
        }
        // The group takes its first samples only once every session has written its lead.
        let ready = Date().addingTimeInterval(5)
        while worker.active < streams.count, Date() < ready { usleep(1000) }
        let t = Thread { [self] in cycle() }
        t.name = "fax-media"
        thread = t
        t.start()
    }

    private func cycle() {
        let period = 160 * 125_000
        var next = MonotonicClock.now() + period
        let lines = (0..<streams.count).map { group.line(slot: $0) }
        while lock.withLock({ running }) {
            MonotonicClock.sleep(until: next)
            let started = MonotonicClock.now()
            for c in stride(from: 0, to: lines.count, by: 2) {
                lines[c].input.baseAddress!.update(from: lines[c + 1].output.baseAddress!, count: 160)
                lines[c + 1].input.baseAddress!.update(from: lines[c].output.baseAddress!, count: 160)
            }
            group.markAllReady()
            group.runCycle()
            while group.nextEvent() != nil {}
            if MonotonicClock.now() - started > period { lock.withLock { misses += 1 } }
            next += period
        }
        done.signal()
    }

    /// Stop the group; what the faxes did: pages moved, faxes completed and sessions failed
    /// before the stop (those still running are then ended as dropped calls).
    func stop() -> (misses: Int, underruns: Int, pages: Int, completed: Int, failed: Int) {
        lock.withLock { running = false }
        done.wait()
        let ended = lock.withLock { outcomes }
        for c in 0..<streams.count { group.send(MediaCommand(channel: c, .deactivate)) }
        group.markAllReady()
        group.runCycle()
        let deadline = Date().addingTimeInterval(5)
        while lock.withLock({ outcomes.count }) < streams.count, Date() < deadline { usleep(10_000) }
        let all = lock.withLock { outcomes }
        let receivers = sessions.enumerated().filter { $0.offset % 2 == 1 }.map { $0.element.outcome }
        // Sessions that ended before the stop completed or failed; the rest were still going.
        return (lock.withLock { misses }, all.reduce(0) { $0 + ($1.underrunSamples ?? 0) },
                receivers.reduce(0) { $0 + $1.pages }, ended.filter(\.succeeded).count / 2,
                ended.filter { !$0.succeeded }.count)
    }
}
