import CSndFile
import Foundation
import PSTNEngine
import Testing

/// A temporary directory for one test's recordings, removed when the test's suite instance goes.
final class RecordingDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "pstn-recordings-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// `count` samples of a sine at `frequency` Hz and `amplitude`.
func recordingTone(_ frequency: Double, amplitude: Double, count: Int) -> [Int16] {
    (0..<count).map { Int16(clamping: Int((amplitude * sin(2 * .pi * frequency * Double($0) / 8000)).rounded())) }
}

/// What libsndfile reads back from a recording: its header and its samples, interleaved.
struct RecordingReadBack {
    let info: SF_INFO
    let samples: [Int16]

    var channels: Int { Int(info.channels) }
    var frames: Int { samples.count / channels }

    /// One channel's samples.
    func side(_ channel: Int) -> [Int16] {
        stride(from: channel, to: samples.count, by: channels).map { samples[$0] }
    }

    init(_ path: String) throws {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw RecordingError(operation: "read back", path: path, reason: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        var samples = [Int16](repeating: 0, count: Int(info.frames) * Int(info.channels))
        let read = samples.withUnsafeMutableBufferPointer { sf_readf_short(file, $0.baseAddress, info.frames) }
        self.info = info
        self.samples = Array(samples.prefix(Int(read) * Int(info.channels)))
    }
}

/// Feed `received` and `sent` to `session` in chunks as the media thread would.
func feed(_ session: RecordingSession, received: [Int16], sent: [Int16], chunk: Int = 160) {
    received.withUnsafeBufferPointer { rx in
        sent.withUnsafeBufferPointer { tx in
            var start = 0
            while start < rx.count {
                let end = min(start + chunk, rx.count)
                session.append(received: UnsafeBufferPointer(rebasing: rx[start..<end]),
                               sent: UnsafeBufferPointer(rebasing: tx[start..<end]))
                start = end
            }
        }
    }
}

/// Wait up to `seconds` for the writer's next closed notification.
func awaitClosed(_ writer: RecordingWriter, seconds: Double = 10) -> RecordingClosed? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let closed = writer.nextClosed() { return closed }
        usleep(5_000)
    }
    return nil
}

/// Record `received`/`sent` into `path` through a running writer and return its closed event.
func recordThrough(_ path: String, format: RecordingFormat, layout: RecordingLayout,
                   received: [Int16], sent: [Int16], droppingLast: Int = 0) throws -> RecordingClosed? {
    let writer = RecordingWriter(pollMilliseconds: 5)
    writer.start()
    defer { writer.stop() }
    let session = try RecordingSession(id: 7, path: path, format: format, layout: layout)
    writer.add(session)
    feed(session, received: received, sent: sent)
    session.finish(droppingLast: droppingLast)
    return awaitClosed(writer)
}

/// Positions where two sample arrays differ, plus the difference in length: 0 when equal. (A
/// count keeps failure messages short where `==` would print both arrays.)
func differences(_ a: [Int16], _ b: [Int16]) -> Int {
    zip(a, b).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) } + abs(a.count - b.count)
}
