import CSndFile
import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// The media engine front (threads + recording writer) on the lab.
@Suite("Media engine across the lab", .serialized, .lab)
struct MediaEngineLabTests {
    @Test("a call is recorded in stereo: what the line brought on the left, what the engine sent on the right")
    func stereoRecording() throws {
        let lab = try LabInstance(lab: MediaLab.yaml)
        let zone = try #require(ToneZone(country: "cn"))
        let engine = try MediaEngine(groups: [[MediaChannelConfiguration(name: "1", line: try MediaLab.open(1, lab: lab),
                                                                         law: .aLaw, zone: zone)]],
                                     settings: MediaSettings(chunkSamples: 80, echoCancellerOn: false, detectors: [.dtmf]))
        let directory = NSTemporaryDirectory() + "pstn-rec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/call.wav"
        #expect(engine.send(.activate, to: "1"))
        #expect(!engine.send(.activate, to: "99"), "an unknown channel is refused")
        #expect(try engine.record("1", id: 42, path: path, format: .wavPCM16, layout: .stereo))
        #expect(engine.play([Prompt(name: "tone", samples: LoopSignal.sine(1000, dBm0: -12, ms: 3000))], on: "1", id: 5, loop: true))
        try engine.start()
        let far = try FarEnd([1 + MediaLab.farOffset], lab: lab)
        let callerTone = FarAudio.encode(LoopSignal.sine(400, dBm0: -12, ms: 2000))
        _ = try far.run(chunks: 75) { _, k in
            let start = (k * 160) % 15840
            return Array(callerTone[start..<(start + 160)])
        }
        engine.send(.stopRecording, to: "1")
        var closed: RecordingClosed?
        for _ in 0..<200 where closed == nil {
            while let e = engine.nextEvent() {
                if case let .recordingClosed(c) = e { closed = c }
            }
            usleep(10_000)
        }
        engine.stop()
        let done = try #require(closed, "the recording was never closed")
        #expect(done.id == 42 && done.path == path && done.error == nil)
        #expect(done.frames > 8000, "only \(done.frames) frames recorded")
        // Read it back: left carries the caller's 400 Hz, right the engine's 1 kHz.
        var info = SF_INFO()
        let file = try #require(sf_open(path, Int32(SFM_READ), &info))
        defer { sf_close(file) }
        #expect(info.channels == 2 && info.samplerate == 8000)
        var frames = [Int16](repeating: 0, count: Int(info.frames) * 2)
        let got = Int(sf_readf_short(file, &frames, info.frames))
        let left = stride(from: 0, to: got * 2, by: 2).map { frames[$0] }
        let right = stride(from: 1, to: got * 2, by: 2).map { frames[$0] }
        func level(_ x: [Int16], _ hz: Double) -> Double {
            FarAudio.tonePower(ArraySlice(x.suffix(8000).map { G711.aLaw.encode($0) }), hz: hz)
        }
        let sent = FarAudio.tonePower(callerTone[...], hz: 400)
        #expect(10 * log10(level(left, 400) / sent) > -1, "left should be the caller")
        #expect(10 * log10(max(level(left, 1000), 1e-9) / sent) < -40, "the engine's prompt leaked onto the left")
        #expect(10 * log10(level(right, 1000) / sent) > -1, "right should be the prompt")
        #expect(10 * log10(max(level(right, 400), 1e-9) / sent) < -40, "the caller leaked onto the right")
    }
}
