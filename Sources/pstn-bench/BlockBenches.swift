import Foundation
import PSTNEngine

/// Cost of single media blocks on 30 and 120 channels, 20 ms frames.
enum BlockBenches {
    static let frameSamples = 160
    static let framesPerRun = 250
    static let reference = testAudio(count: frameSamples * framesPerRun, seed: 1)
    static let received = testAudio(count: frameSamples * framesPerRun, seed: 2)

    static func echoCanceller() {
        var output = [Int16](repeating: 0, count: frameSamples)
        for tail in [16, 32, 64, 128] {
            for channels in [30, 120] {
                let cancellers = (0..<channels).map { _ in
                    try! EchoCanceller(settings: EchoCancellerSettings(tailMilliseconds: tail, nonLinearProcessor: true))
                }
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
                emit([("block", json("echo-canceller")), ("tail_ms", "\(tail)"), ("channels", "\(channels)"),
                      ("ns_per_channel_per_20ms", number(ns)),
                      ("channels_per_core_at_20ms", number(20_000_000 / ns))])
            }
        }
    }

    /// Cost of a per-channel detector on 120 channels, draining its events as the media loop would,
    /// fed `audio` in chunks of `chunk` samples (160: 20 ms; 8: the 1 ms media loop).
    static func detector<D>(_ name: String, extra: [(String, String)] = [], audio: [Int16] = received,
                            chunk: Int = frameSamples, make: () -> D, process: (D, UnsafeBufferPointer<Int16>) -> Void) {
        let detectors = (0..<120).map { _ in make() }
        let ns = audio.withUnsafeBufferPointer { s in
            measure(channels: 120, frames: framesPerRun) { channel, frame in
                var start = frame * frameSamples
                let end = start + frameSamples
                while start < end {
                    process(detectors[channel], UnsafeBufferPointer(rebasing: s[start..<min(start + chunk, end)]))
                    start += chunk
                }
            }
        }
        emit([("block", json(name))] + extra + [("chunk_samples", "\(chunk)"), ("channels", "120"),
                                                ("ns_per_channel_per_20ms", number(ns))])
    }

    /// 2100 Hz with phase reversals every 450 ms at -12 dBm0: a tone the fax detector's receivers
    /// must hear throughout, its dearest steady state.
    static let answerTone: [Int16] = (0..<(frameSamples * framesPerRun)).map { n in
        let t = Double(n) / 8000
        let phase = Int(t / 0.45) % 2 == 1 ? Double.pi : 0
        return Int16(5_720 * sin(2 * .pi * 2100 * t + phase))
    }

    static func detectors() {
        let zone = ToneZone(country: "cn")!
        for chunk in [frameSamples, 8] {
            detector("dtmf-detector", chunk: chunk, make: { DTMFDetector() }) { d, audio in
                d.process(audio)
                while d.nextEvent() != nil {}
            }
            detector("fax-tone-detector", chunk: chunk, make: { FaxToneDetector() }) { d, audio in
                d.process(audio)
                while d.nextEvent() != nil {}
            }
            detector("call-progress-detector", extra: [("zone", json("cn"))], chunk: chunk,
                     make: { CallProgressDetector(zone: zone) }) { d, audio in
                d.process(audio)
                while d.nextEvent() != nil {}
            }
        }
        // Worst case for the DTMF receiver: a key held throughout, so every window runs all its checks.
        let generator = DTMFGenerator(levelDBm0: -10, twistDB: 2, onMilliseconds: 1000, offMilliseconds: 0)
        _ = generator.queue("58#D9")
        var heldKeys = [Int16](repeating: 0, count: frameSamples * framesPerRun)
        _ = heldKeys.withUnsafeMutableBufferPointer { generator.render(into: $0) }
        detector("dtmf-detector", extra: [("audio", json("held-key"))], audio: heldKeys, make: { DTMFDetector() }) { d, audio in
            d.process(audio)
            while d.nextEvent() != nil {}
        }
        detector("fax-tone-detector", extra: [("audio", json("ans-pr"))], audio: answerTone, make: { FaxToneDetector() }) { d, audio in
            d.process(audio)
            while d.nextEvent() != nil {}
        }
    }
}
