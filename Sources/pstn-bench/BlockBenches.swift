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

    /// Cost of a per-channel detector on 120 channels, draining its events as the media loop would.
    static func detector<D>(_ name: String, extra: [(String, String)] = [], make: () -> D,
                            process: (D, UnsafeBufferPointer<Int16>) -> Void) {
        let detectors = (0..<120).map { _ in make() }
        let ns = received.withUnsafeBufferPointer { s in
            measure(channels: 120, frames: framesPerRun) { channel, frame in
                process(detectors[channel], UnsafeBufferPointer(rebasing: s[(frame * frameSamples)..<((frame + 1) * frameSamples)]))
            }
        }
        emit([("block", json(name))] + extra + [("channels", "120"), ("ns_per_channel_per_20ms", number(ns))])
    }

    static func detectors() {
        detector("dtmf-detector", make: { DTMFDetector() }) { d, chunk in
            d.process(chunk)
            while d.nextEvent() != nil {}
        }
        detector("fax-tone-detector", make: { FaxToneDetector() }) { d, chunk in
            d.process(chunk)
            while d.nextEvent() != nil {}
        }
        let zone = ToneZone(country: "cn")!
        detector("call-progress-detector", extra: [("zone", json("cn"))], make: { CallProgressDetector(zone: zone) }) { d, chunk in
            d.process(chunk)
            while d.nextEvent() != nil {}
        }
    }
}
