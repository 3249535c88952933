import CSndFile
import Foundation
@testable import PSTNEngine
import Testing

@Suite("Recording: formats, layouts, ring and writer", .serialized)
final class RecordingTests {
    let directory: RecordingDirectory

    init() throws { directory = try RecordingDirectory() }

    static let combinations: [(RecordingFormat, RecordingLayout)] =
        [RecordingFormat.wavALaw, .wavMuLaw, .wavPCM16, .mp3].flatMap { f in [(f, RecordingLayout.mono), (f, .stereo)] }

    /// What a lossless file holds for one sample, after the format's companding.
    static func expected(_ sample: Int16, _ format: RecordingFormat) -> Int16 {
        switch format {
        case .wavALaw: G711.aLaw.decode(G711.aLaw.encode(sample))
        case .wavMuLaw: G711.muLaw.decode(G711.muLaw.encode(sample))
        default: sample
        }
    }

    @Test("the installed libsndfile writes MP3 (MPEG-2.5 layer III) at 8 kHz, mono and stereo")
    func mp3Supported() {
        for channels in [1, 2] {
            var info = SF_INFO()
            info.samplerate = 8000
            info.channels = Int32(channels)
            info.format = Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
            #expect(sf_format_check(&info) != 0, "libsndfile cannot write \(channels)-channel MP3 at 8 kHz")
        }
    }

    @Test("each format and layout round-trips through libsndfile", arguments: combinations)
    func roundTrip(format: RecordingFormat, layout: RecordingLayout) throws {
        let count = 16_000
        // Loud enough that the mono mix clips: received 1 kHz, sent 600 Hz.
        let received = recordingTone(1000, amplitude: 20_000, count: count)
        let sent = recordingTone(600, amplitude: 16_000, count: count)
        let path = directory.file("round-trip.\(format == .mp3 ? "mp3" : "wav")")
        let closed = try #require(try recordThrough(path, format: format, layout: layout, received: received, sent: sent))
        #expect(closed == RecordingClosed(id: 7, path: path, frames: count, droppedSamples: 0, error: nil))

        let back = try RecordingReadBack(path)
        #expect(back.info.samplerate == 8000)
        #expect(back.channels == layout.channels)
        let mixed = zip(received, sent).map { Int16(clamping: Int32($0) + Int32($1)) }
        if format != .mp3 {
            #expect(back.frames == count)
            if layout == .mono {
                #expect(differences(back.samples, mixed.map { Self.expected($0, format) }) == 0)
            } else {
                #expect(differences(back.side(0), received.map { Self.expected($0, format) }) == 0, "left is the received party")
                #expect(differences(back.side(1), sent.map { Self.expected($0, format) }) == 0, "right is the sent party")
            }
            return
        }
        // MP3: lossy and delayed by the codec, so check length, tone and energy.
        #expect(abs(back.frames - count) <= 1152 * 2, "decoded \(back.frames) frames of \(count)")
        func rms(_ s: ArraySlice<Int16>) -> Double { (s.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(s.count)).squareRoot() }
        let middle = 4000..<12_000
        if layout == .stereo {
            let left = back.side(0), right = back.side(1)
            #expect(goertzel(left[middle], 1000) > 100 * goertzel(left[middle], 600), "left carries the caller's 1 kHz")
            #expect(goertzel(right[middle], 600) > 100 * goertzel(right[middle], 1000), "right carries the sent 600 Hz")
            #expect(abs(rms(left[middle]) / rms(received[middle]) - 1) < 0.2)
            #expect(abs(rms(right[middle]) / rms(sent[middle]) - 1) < 0.2)
        } else {
            let mono = back.samples
            #expect(goertzel(mono[middle], 1000) > 10 * goertzel(mono[middle], 1500))
            #expect(goertzel(mono[middle], 600) > 10 * goertzel(mono[middle], 1500))
            #expect(abs(rms(mono[middle]) / rms(mixed[middle]) - 1) < 0.2)
        }
    }

    @Test("finish(droppingLast:) cuts the end of a WAV file (what ended a message); an MP3 keeps it",
          arguments: combinations)
    func droppingTheEnd(format: RecordingFormat, layout: RecordingLayout) throws {
        let count = 12_000
        let received = recordingTone(1000, amplitude: 12_000, count: count)
        let sent = recordingTone(600, amplitude: 8_000, count: count)
        for cut in [2_500, count + 100] {
            let path = directory.file("cut-\(cut).\(format == .mp3 ? "mp3" : "wav")")
            let closed = try #require(try recordThrough(path, format: format, layout: layout, received: received,
                                                        sent: sent, droppingLast: cut))
            let back = try RecordingReadBack(path)
            #expect(closed.error == nil)
            if format == .mp3 {
                #expect(closed.frames == count, "an MP3 stream is not cut")
                continue
            }
            let kept = max(0, count - cut)
            #expect(closed.frames == kept && back.frames == kept, "cut \(cut): \(closed.frames) frames, \(back.frames) in the file")
            let expected = layout == .mono
                ? zip(received, sent).map { Self.expected(Int16(clamping: Int32($0) + Int32($1)), format) }
                : received.map { Self.expected($0, format) }
            #expect(differences(layout == .mono ? back.samples : back.side(0), Array(expected.prefix(kept))) == 0,
                    "cut \(cut): the file is the recording's beginning")
        }
    }

    @Test("a full ring drops and counts what does not fit while the writer is stopped", arguments: [RecordingLayout.mono, .stereo])
    func overflow(layout: RecordingLayout) throws {
        let path = directory.file("overflow.wav")
        let session = try RecordingSession(id: 1, path: path, format: .wavPCM16, layout: layout, secondsOfBuffer: 1)
        let count = 16_000
        let received = (0..<count).map { Int16(truncatingIfNeeded: $0) }
        let sent = layout == .mono ? [Int16](repeating: 0, count: count) : received.map { ~$0 }
        feed(session, received: received, sent: sent)
        let held = 8192    // one second at 8 kHz, rounded up to the ring's power of two
        #expect(session.droppedSamples == count - held)
        #expect(session.writtenFrames == 0)

        let writer = RecordingWriter(pollMilliseconds: 5)
        writer.add(session)
        writer.start()
        session.finish()
        let closed = try #require(awaitClosed(writer))
        writer.stop()
        #expect(closed.frames == held)
        #expect(closed.droppedSamples == count - held)
        let back = try RecordingReadBack(path)
        #expect(differences(back.side(0), Array(received.prefix(held))) == 0, "the oldest audio is kept")
        if layout == .stereo { #expect(differences(back.side(1), Array(sent.prefix(held))) == 0) }
    }

    @Test("finish() yields exactly one RecordingClosed with the frame count; later audio is ignored")
    func finishOnce() throws {
        let writer = RecordingWriter(pollMilliseconds: 5)
        writer.start()
        let path = directory.file("once.wav")
        let session = try RecordingSession(id: 42, path: path, format: .wavALaw, layout: .stereo)
        writer.add(session)
        let audio = recordingTone(440, amplitude: 3000, count: 4000)
        feed(session, received: audio, sent: audio)
        session.finish()
        feed(session, received: audio, sent: audio)
        session.finish()
        let closed = try #require(awaitClosed(writer))
        #expect(closed == RecordingClosed(id: 42, path: path, frames: 4000, droppedSamples: 0, error: nil))
        usleep(100_000)
        #expect(writer.nextClosed() == nil, "one notification per recording")
        writer.stop()
        #expect(writer.nextClosed() == nil)
        #expect(session.writtenFrames == 4000)
        #expect(try RecordingReadBack(path).frames == 4000)
    }

    @Test("stop() writes and closes sessions that were never finished")
    func stopClosesAll() throws {
        let writer = RecordingWriter(pollMilliseconds: 1000)
        writer.start()
        let paths = (0..<3).map { directory.file("open-\($0).wav") }
        var sessions: [RecordingSession] = []
        for (i, path) in paths.enumerated() {
            let session = try RecordingSession(id: i, path: path, format: .wavPCM16, layout: .mono)
            writer.add(session)
            feed(session, received: [Int16](repeating: 100, count: 800 * (i + 1)), sent: [Int16](repeating: 1, count: 800 * (i + 1)))
            sessions.append(session)
        }
        writer.stop()
        var closed: [RecordingClosed] = []
        while let c = writer.nextClosed() { closed.append(c) }
        #expect(closed.sorted { $0.id < $1.id }.map(\.frames) == [800, 1600, 2400])
        for (i, path) in paths.enumerated() {
            let back = try RecordingReadBack(path)
            #expect(differences(back.samples, [Int16](repeating: 101, count: 800 * (i + 1))) == 0)
        }
        // The writer can start again, and stopping twice is harmless.
        writer.stop()
        writer.start()
        writer.stop()
    }

    @Test("the header is refreshed while recording, so a copy of the open file is readable")
    func headerUpdates() throws {
        let writer = RecordingWriter(pollMilliseconds: 10, headerUpdateSeconds: 1)
        writer.start()
        defer { writer.stop() }
        let path = directory.file("live.wav")
        let session = try RecordingSession(id: 3, path: path, format: .wavALaw, layout: .mono)
        writer.add(session)
        let second = recordingTone(800, amplitude: 5000, count: 8000)
        feed(session, received: second, sent: [Int16](repeating: 0, count: 8000))
        // Wait until it is on disk, then past the next header update.
        let deadline = Date().addingTimeInterval(5)
        while session.writtenFrames < 8000, Date() < deadline { usleep(5_000) }
        #expect(session.writtenFrames == 8000)
        usleep(1_300_000)
        // More audio after the update: on disk, but not yet in the header.
        feed(session, received: second, sent: [Int16](repeating: 0, count: 8000))
        while session.writtenFrames < 16_000, Date() < deadline { usleep(5_000) }
        let flushed = session.writtenFrames
        let copy = directory.file("live-copy.wav")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let before = try RecordingReadBack(copy)
        #expect(before.frames >= 8000, "the header update made the first second readable")
        let repaired = try RecordingRepair.repairWAV(path: copy)
        #expect(repaired >= flushed)
        let after = try RecordingReadBack(copy)
        #expect(after.frames == repaired)
        #expect(differences(Array(after.samples.prefix(8000)), second.map { G711.aLaw.decode(G711.aLaw.encode($0)) }) == 0)
        session.finish()
        #expect(awaitClosed(writer)?.frames == 16_000)
    }

    @Test("a path that cannot be created is refused with a typed error")
    func unwritable() {
        let path = directory.file("no-such-folder/x.wav")
        #expect { try RecordingSession(id: 1, path: path, format: .wavPCM16, layout: .mono) } throws: { error in
            guard let e = error as? RecordingError else { return false }
            return e.operation == "open recording" && e.path == path && e.reason.contains("No such file")
        }
        #expect(throws: RecordingError.self) { try RecordingSession(id: 1, path: self.directory.path, format: .mp3, layout: .mono) }
        #expect(throws: RecordingError.self) {
            try RecordingSession(id: 1, path: self.directory.file("b.wav"), format: .wavPCM16, layout: .mono, secondsOfBuffer: 0)
        }
    }

    @Test("a format libsndfile cannot write is refused before any file is created")
    func unsupported() {
        let path = directory.file("bad.wav")
        #expect(throws: RecordingError.self) {
            try RecordingSession.checkedInfo(format: .mp3, channels: 3, sampleRate: 8000, path: path)
        }
        #expect(throws: RecordingError.self) {
            try RecordingSession.checkedInfo(format: .wavALaw, channels: 0, sampleRate: 8000, path: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
