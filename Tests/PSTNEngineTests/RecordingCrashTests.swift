import Foundation
import PSTNEngine
import LabTestSupport
import Testing

/// Recording in a separate process that is then killed: the test binary runs itself with a
/// filter selecting `RecordingCrashChild`, which is enabled only in that child.
enum RecordingChildProcess {
    static let modeVariable = "PSTN_RECORDING_CHILD"
    static let pathVariable = "PSTN_RECORDING_PATH"

    /// Start this test binary as a child that runs only the recording child test in `mode`.
    static func launch(mode: String, path: String) throws -> (Process, Pipe) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        child.arguments = ["--testing-library", "swift-testing", "--filter", "RecordingCrashChild"]
        var environment = ProcessInfo.processInfo.environment
        environment[modeVariable] = mode
        environment[pathVariable] = path
        child.environment = environment
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        return (child, output)
    }

    /// One line to the parent, straight to the pipe (unbuffered, so a kill loses nothing).
    static func report(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }

    /// Lines the child prints starting with `prefix`, read until `done` says so or it exits.
    static func readReports(_ pipe: Pipe, prefix: String, until done: ([Int]) -> Bool) -> [Int] {
        var reports: [Int] = []
        var pending = ""
        while !done(reports) {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            pending += String(decoding: data, as: UTF8.self)
            while let newline = pending.firstIndex(of: "\n") {
                let line = pending[..<newline]
                pending = String(pending[pending.index(after: newline)...])
                if line.hasPrefix(prefix), let value = Int(line.dropFirst(prefix.count)) { reports.append(value) }
            }
        }
        return reports
    }
}

/// The child's side: only runs inside a process started by `RecordingCrashTests`.
@Suite("Recording crash child (runs only in a child process)")
struct RecordingCrashChild {
    static var mode: String? { ProcessInfo.processInfo.environment[RecordingChildProcess.modeVariable] }

    /// Record a counting pattern in stereo PCM16, at ten times real time, reporting the frames
    /// on disk, until killed (at most 60 s).
    @Test("child: record until killed", .enabled(if: mode == "crash"))
    func recordUntilKilled() throws {
        let path = try #require(ProcessInfo.processInfo.environment[RecordingChildProcess.pathVariable])
        let writer = RecordingWriter(pollMilliseconds: 10, headerUpdateSeconds: 1)
        writer.start()
        let session = try RecordingSession(id: 1, path: path, format: .wavPCM16, layout: .stereo)
        writer.add(session)
        var received = [Int16](repeating: 0, count: 160)
        var sent = received
        let start = Date()
        var frame = 0
        while Date().timeIntervalSince(start) < 60 {
            for i in 0..<160 {
                received[i] = Int16(truncatingIfNeeded: frame + i)
                sent[i] = ~received[i]
            }
            frame += 160
            feed(session, received: received, sent: sent)
            if frame % 8000 == 0 {
                RecordingChildProcess.report("RECORDED \(session.writtenFrames)")
            }
            usleep(2_000)
        }
    }

    /// Record with the process's file size limit at `RecordingCrashTests.sizeLimit(format)`, as
    /// if the disk filled up, and report the closed event.
    @Test("child: record onto a full disk", .enabled(if: mode?.hasPrefix("full-") == true))
    func recordOntoFullDisk() throws {
        let path = try #require(ProcessInfo.processInfo.environment[RecordingChildProcess.pathVariable])
        let format: RecordingFormat = Self.mode == "full-mp3" ? .mp3 : .wavPCM16
        signal(SIGXFSZ, SIG_IGN)
        let size = rlim_t(RecordingCrashTests.sizeLimit(format))
        var limit = rlimit(rlim_cur: size, rlim_max: size)
        #expect(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0)
        let writer = RecordingWriter(pollMilliseconds: 5)
        writer.start()
        defer { writer.stop() }
        let session = try RecordingSession(id: 2, path: path, format: format, layout: .stereo)
        writer.add(session)
        let audio = recordingTone(500, amplitude: 8000, count: 160)
        for _ in 0..<250 {    // 40 000 frames: 160 000 bytes of PCM16, about 10 000 of MP3
            feed(session, received: audio, sent: audio)
            usleep(500)
        }
        session.finish()
        let closed = try #require(awaitClosed(writer))
        RecordingChildProcess.report("CLOSED_FRAMES \(closed.frames)")
        RecordingChildProcess.report("CLOSED_DROPPED \(closed.droppedSamples)")
        RecordingChildProcess.report("CLOSED_ERROR \(closed.error ?? "none")")
    }
}

@Suite("Recording crashes: SIGKILL and a full disk, in a real child process", .serialized, .lab)
final class RecordingCrashTests {
    let directory: RecordingDirectory

    init() throws { directory = try RecordingDirectory() }

    @Test("after SIGKILL mid-recording, repair makes everything the writer had flushed readable")
    func killed() throws {
        let path = directory.file("killed.wav")
        let (child, output) = try RecordingChildProcess.launch(mode: "crash", path: path)
        // Wait for at least 2.5 s of recording, so header updates have happened and audio has
        // been written after the last one.
        let started = Date()
        let reports = RecordingChildProcess.readReports(output, prefix: "RECORDED ") { reports in
            (reports.last ?? 0) >= 40_000 && Date().timeIntervalSince(started) > 2.5
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        let flushed = try #require(reports.last)
        #expect(flushed >= 40_000)

        let stale = try RecordingReadBack(path)
        let repaired = try RecordingRepair.repairWAV(path: path)
        #expect(repaired >= flushed, "all \(flushed) frames reported on disk are readable")
        #expect(stale.frames <= repaired)
        #expect(stale.frames > 0, "the periodic header update had made part of it readable already")
        let back = try RecordingReadBack(path)
        #expect(back.frames == repaired)
        let left = back.side(0), right = back.side(1)
        let wrong = (0..<back.frames).filter { left[$0] != Int16(truncatingIfNeeded: $0) || right[$0] != ~left[$0] }.count
        #expect(wrong == 0, "the audio is the counting pattern, frame for frame")
    }

    /// The child's file size limit: well under what it records in `format`.
    static func sizeLimit(_ format: RecordingFormat) -> Int { format == .mp3 ? 3000 : 100_000 }

    @Test("a full disk ends the recording with an error and a readable file", arguments: [RecordingFormat.wavPCM16, .mp3])
    func diskFull(format: RecordingFormat) throws {
        let path = directory.file(format == .mp3 ? "full.mp3" : "full.wav")
        let (child, output) = try RecordingChildProcess.launch(mode: format == .mp3 ? "full-mp3" : "full-wav", path: path)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        func value(_ key: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(key + " ") }.map { String($0.dropFirst(key.count + 1)) }
        }
        let written = try #require(value("CLOSED_FRAMES").flatMap { Int($0) })
        let dropped = try #require(value("CLOSED_DROPPED").flatMap { Int($0) })
        let error = try #require(value("CLOSED_ERROR"))
        #expect(error.contains("File too large"), "the closed event carries the write error: \(error)")
        let back = try RecordingReadBack(path)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size <= Self.sizeLimit(format))
        if format == .mp3 {
            // The encoder takes every frame even when its output is refused, so only the error
            // tells; the frame count is what the encoder accepted.
            #expect(written > 0 && back.frames > 0 && dropped >= 0, "what reached the disk still decodes")
        } else {
            #expect(written > 0 && written * 4 + 44 <= Self.sizeLimit(format), "stopped at the size limit: \(written) frames")
            #expect(back.frames == written, "the header was finished at close")
            #expect(dropped > 0, "the audio that did not fit is counted")
        }
    }
}
