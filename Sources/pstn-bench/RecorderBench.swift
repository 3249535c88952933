import Foundation
import PSTNEngine

/// Recorders: what `append` costs the media loop per channel per 20 ms chunk, and how many
/// simultaneous recordings one writer thread keeps up with in each format.
func benchRecorders() {
    let directory = NSTemporaryDirectory() + "pstn-bench-recordings-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    // Hot path: 120 sessions, rings large enough that nothing is dropped (the run feeds 5 s of
    // audio per channel in a few milliseconds).
    for layout in [RecordingLayout.mono, .stereo] {
        let writer = RecordingWriter(pollMilliseconds: 20)
        let sessions = (0..<120).map { i in
            try! RecordingSession(id: i, path: "\(directory)/append-\(i).wav", format: .wavALaw, layout: layout,
                                  secondsOfBuffer: 10)
        }
        sessions.forEach(writer.add)
        writer.start()
        let ns = BlockBenches.received.withUnsafeBufferPointer { rx in
            BlockBenches.reference.withUnsafeBufferPointer { tx in
                measure(channels: 120, frames: BlockBenches.framesPerRun) { channel, frame in
                    let range = (frame * BlockBenches.frameSamples)..<((frame + 1) * BlockBenches.frameSamples)
                    sessions[channel].append(received: UnsafeBufferPointer(rebasing: rx[range]),
                                             sent: UnsafeBufferPointer(rebasing: tx[range]))
                }
            }
        }
        sessions.forEach { $0.finish() }
        writer.stop()
        let dropped = sessions.reduce(0) { $0 + $1.droppedSamples }
        emit([("block", "\"recorder-append\""), ("layout", "\"\(layout)\""), ("channels", "120"), ("dropped", "\(dropped)"),
              ("ns_per_channel_per_20ms", String(format: "%.0f", ns))])
    }

    // Writer: fill 30 rings with 10 s each, then time one thread writing them all out.
    let seconds = 10
    let audio = testAudio(count: 8000 * seconds, seed: 3)
    for format in [RecordingFormat.wavALaw, .wavPCM16, .mp3] {
        for layout in [RecordingLayout.mono, .stereo] {
            let channels = 30
            let writer = RecordingWriter(pollMilliseconds: 1, headerUpdateSeconds: 1)
            let sessions = (0..<channels).map { i in
                try! RecordingSession(id: i, path: "\(directory)/write-\(i)", format: format, layout: layout,
                                      secondsOfBuffer: seconds + 1)
            }
            audio.withUnsafeBufferPointer { a in
                for s in sessions { s.append(received: a, sent: a); s.finish() }
            }
            sessions.forEach(writer.add)
            let start = now()
            writer.start()
            var closed = 0
            while closed < channels {
                if writer.nextClosed() != nil { closed += 1 } else { usleep(200) }
            }
            let elapsed = Double(now() - start) / 1e9
            writer.stop()
            let realTime = Double(channels * seconds) / elapsed
            emit([("block", "\"recorder-writer\""), ("format", "\"\(format)\""), ("layout", "\"\(layout)\""),
                  ("audio_seconds_per_second", String(format: "%.0f", realTime)),
                  ("ms_per_channel_second", String(format: "%.3f", 1000 / realTime))])
        }
    }
}
