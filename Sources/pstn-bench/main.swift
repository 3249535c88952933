import Foundation
import PSTNEngine

/// `pstn-bench`: per-channel cost of the media blocks, one JSON object per line.
/// Build with `swift build -c release`; debug figures mean nothing.

/// Nanoseconds on the monotonic clock.
func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Speech-band-ish test audio: a deterministic noise the blocks cannot shortcut.
func testAudio(count: Int, seed: UInt64) -> [Int16] {
    var state = seed | 1
    var smooth = 0.0
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        smooth += 0.6 * (Double(Int64(bitPattern: state) >> 50) - smooth)
        return Int16(clamping: Int(smooth))
    }
}

/// Run `frames` 20 ms frames through `body` for `channels` channels; ns per channel per frame.
func measure(channels: Int, frames: Int, _ body: (Int, Int) -> Void) -> Double {
    let start = now()
    for frame in 0..<frames {
        for channel in 0..<channels { body(channel, frame) }
    }
    return Double(now() - start) / Double(channels * frames)
}

func emit(_ fields: [(String, String)]) {
    print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
}

let frameSamples = 160
let framesPerRun = 250
let reference = testAudio(count: frameSamples * framesPerRun, seed: 1)
let received = testAudio(count: frameSamples * framesPerRun, seed: 2)
var output = [Int16](repeating: 0, count: frameSamples)

for tail in [32, 64, 128] {
    for channels in [30, 120] {
        let cancellers = (0..<channels).map { _ in try! EchoCanceller(settings: EchoCancellerSettings(tailMilliseconds: tail, nonLinearProcessor: true)) }
        let ns = reference.withUnsafeBufferPointer { r in
            received.withUnsafeBufferPointer { s in
                output.withUnsafeMutableBufferPointer { o in
                    measure(channels: channels, frames: framesPerRun) { channel, frame in
                        let range = (frame * frameSamples)..<((frame + 1) * frameSamples)
                        cancellers[channel].process(reference: UnsafeBufferPointer(rebasing: r[range]),
                                                    received: UnsafeBufferPointer(rebasing: s[range]),
                                                    output: o)
                    }
                }
            }
        }
        emit([("block", "\"echo-canceller\""), ("tail_ms", "\(tail)"), ("channels", "\(channels)"),
              ("ns_per_channel_per_20ms", String(format: "%.0f", ns)),
              ("channels_per_core_at_20ms", String(format: "%.0f", 20_000_000 / ns))])
    }
}

/// Cost of a per-channel detector on 120 channels, draining its events as the media loop would.
func benchDetector<D>(_ name: String, extra: [(String, String)] = [], audio: [Int16] = received, make: () -> D,
                      process: (D, UnsafeBufferPointer<Int16>) -> Void) {
    let detectors = (0..<120).map { _ in make() }
    let ns = audio.withUnsafeBufferPointer { s in
        measure(channels: 120, frames: framesPerRun) { channel, frame in
            process(detectors[channel], UnsafeBufferPointer(rebasing: s[(frame * frameSamples)..<((frame + 1) * frameSamples)]))
        }
    }
    emit([("block", "\"\(name)\"")] + extra + [("channels", "120"), ("ns_per_channel_per_20ms", String(format: "%.0f", ns))])
}

benchDetector("dtmf-detector", make: { DTMFDetector() }) { d, chunk in
    d.process(chunk)
    while d.nextEvent() != nil {}
}
// Worst case for the DTMF receiver: a key held throughout, so every window runs all its checks.
let heldKeys: [Int16] = {
    let generator = DTMFGenerator(levelDBm0: -10, twistDB: 2, onMilliseconds: 1000, offMilliseconds: 0)
    _ = generator.queue("58#D9")
    var audio = [Int16](repeating: 0, count: frameSamples * framesPerRun)
    _ = audio.withUnsafeMutableBufferPointer { generator.render(into: $0) }
    return audio
}()
benchDetector("dtmf-detector", extra: [("audio", "\"held-key\"")], audio: heldKeys, make: { DTMFDetector() }) { d, chunk in
    d.process(chunk)
    while d.nextEvent() != nil {}
}
benchDetector("fax-tone-detector", make: { FaxToneDetector() }) { d, chunk in
    d.process(chunk)
    while d.nextEvent() != nil {}
}
let zone = ToneZone(country: "cn")!
benchDetector("call-progress-detector", extra: [("zone", "\"cn\"")], make: { CallProgressDetector(zone: zone) }) { d, chunk in
    d.process(chunk)
    while d.nextEvent() != nil {}
}
