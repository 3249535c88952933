import DAHDIEmulator
import Foundation
import PSTNEngine
import Testing

/// A speech-band noise source: white noise through a 300-3400 Hz band-pass, at a given RMS.
struct SpeechBandNoise {
    private var state: UInt64
    private var low1: Double = 0
    private var low2: Double = 0
    private var highIn: Double = 0
    private var highOut: Double = 0
    let gain: Double

    init(seed: UInt64, rms: Double) {
        state = seed | 1
        // The filter passes about 0.55 of white noise's power; scale for the asked RMS.
        gain = rms / 0.55.squareRoot()
    }

    mutating func next() -> Double {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        let u1 = Double(state >> 11) / Double(1 << 53) + 1e-12
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        let u2 = Double(state >> 11) / Double(1 << 53)
        let white = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        // Two one-pole low-passes at ~3.4 kHz and a one-pole high-pass at ~300 Hz.
        low1 += 0.93 * (white - low1)
        low2 += 0.93 * (low1 - low2)
        let high = 0.79 * (highOut + low2 - highIn)
        highIn = low2
        highOut = high
        return high * gain
    }
}

/// Run far-end speech through a G.168 echo path and the canceller; returns ERLE per 100 ms.
/// The canceller gets the audio in chunks of `chunk` samples, as the media loop gives it (an odd
/// size exercises both the two-sample pass and the single-sample one); `chunk` 1 uses the
/// per-sample entry point.
func erleTrace(model: Int, erl: Double, seconds: Double, nlp: Bool = false, tail: Int = 64, chunk: Int = 157,
               nearEnd: (start: Double, end: Double)? = nil) throws -> [Double] {
    let canceller = try EchoCanceller(settings: EchoCancellerSettings(tailMilliseconds: tail, nonLinearProcessor: nlp))
    var path = try #require(EchoPath(model: model, erlDB: erl, delayMs: 5))
    var far = SpeechBandNoise(seed: UInt64(model) * 7919, rms: 2500)
    var near = SpeechBandNoise(seed: 424_242, rms: 2500)
    let total = Int(seconds * 8000)
    var reference: [Int16] = []
    var received: [Int16] = []
    var nearSamples: [Double] = []
    for n in 0..<total {
        // Both directions are A-law on the line: the canceller sees decoded samples.
        let x = g711AlawRoundTrip(Int16(clamping: Int(far.next())))
        var y = path.echo(of: x)
        let t = Double(n) / 8000
        var nearSample = 0.0
        if let nearEnd, t >= nearEnd.start, t < nearEnd.end {
            nearSample = near.next()
            y += Float(nearSample)
        }
        reference.append(x)
        received.append(g711AlawRoundTrip(Int16(clamping: Int(y.rounded()))))
        nearSamples.append(nearSample)
    }
    var output = [Int16](repeating: 0, count: total)
    if chunk == 1 {
        for n in 0..<total {
            output[n] = canceller.process(reference: reference[n], received: received[n])
        }
    } else {
        var start = 0
        while start < total {
            let end = min(start + chunk, total)
            reference[start..<end].withUnsafeBufferPointer { r in
                received[start..<end].withUnsafeBufferPointer { y in
                    output[start..<end].withUnsafeMutableBufferPointer { o in
                        canceller.process(reference: r, received: y, output: o)
                    }
                }
            }
            start = end
        }
    }
    var trace: [Double] = []
    var echoPower = 0.0
    var residualPower = 0.0
    for n in 0..<total {
        let echoOnly = Double(received[n]) - nearSamples[n]
        echoPower += echoOnly * echoOnly
        let residual = Double(output[n]) - nearSamples[n]
        residualPower += residual * residual
        if (n + 1) % 800 == 0 {
            trace.append(10 * log10(echoPower / max(residualPower, 1e-9)))
            echoPower = 0
            residualPower = 0
        }
    }
    return trace
}

/// The line's A-law quantisation (G.711 is checked code by code in G711Tests).
func g711AlawRoundTrip(_ s: Int16) -> Int16 { G711.aLaw.decode(G711.aLaw.encode(s)) }

@Suite("Echo canceller on the G.168 echo paths")
struct EchoCancellerTests {
    @Test("converges to 20 dB ERLE within 1 s and reaches 30 dB without the NLP", arguments: 2...9)
    func convergence(model: Int) throws {
        let trace = try erleTrace(model: model, erl: 10, seconds: 4)
        let firstGood = try #require(trace.firstIndex { $0 >= 20 }, "model D.\(model) never reached 20 dB: \(trace)")
        #expect(Double(firstGood + 1) * 0.1 <= 1.0, "model D.\(model) took \(Double(firstGood + 1) * 0.1) s to reach 20 dB")
        let steady = trace.suffix(10).reduce(0, +) / 10
        print("G.168 model D.\(model): 20 dB ERLE after \(Double(firstGood + 1) * 0.1) s, steady state \(String(format: "%.1f", steady)) dB")
        #expect(steady >= 30, "model D.\(model) steady-state ERLE \(steady) dB")
    }

    @Test("the chunked two-sample pass, the per-sample path and every tail converge alike",
          arguments: [(1, 64), (8, 64), (160, 64), (157, 16), (157, 128)])
    func pathsAndTails(chunk: Int, tail: Int) throws {
        // The D.2 path is 5 ms of bulk delay plus a short response: inside a 16 ms tail.
        let trace = try erleTrace(model: 2, erl: 10, seconds: 3, tail: tail, chunk: chunk)
        let steady = trace.suffix(10).reduce(0, +) / 10
        #expect(steady >= 30, "chunk \(chunk), tail \(tail) ms: steady-state ERLE \(steady) dB")
    }

    @Test("does not diverge during double talk", arguments: [2, 5, 8])
    func doubleTalk(model: Int) throws {
        let trace = try erleTrace(model: model, erl: 10, seconds: 5, nearEnd: (2.0, 3.5))
        let before = trace[15..<20].reduce(0, +) / 5
        let during = trace[20..<35].min() ?? 0
        let after = trace[35..<40].reduce(0, +) / 5
        #expect(before >= 28, "model D.\(model) before double talk: \(before) dB")
        #expect(during >= 15, "model D.\(model) diverged during double talk: \(trace[20..<35])")
        #expect(after >= 25, "model D.\(model) after double talk: \(after) dB")
    }

    /// Output power during far-end speech, with a quiet line background, after 3 s.
    func outputPower(nlp: Bool) throws -> (output: Double, background: Double) {
        let canceller = try EchoCanceller(settings: EchoCancellerSettings(tailMilliseconds: 64, nonLinearProcessor: nlp))
        var path = try #require(EchoPath(model: 4, erlDB: 6, delayMs: 5))
        var far = SpeechBandNoise(seed: 99, rms: 2500)
        var background = SpeechBandNoise(seed: 7, rms: 12)
        var output = 0.0
        var noise = 0.0
        for n in 0..<(4 * 8000) {
            let farActive = n >= 8000
            let x = farActive ? g711AlawRoundTrip(Int16(clamping: Int(far.next()))) : 0
            let b = background.next()
            let received = g711AlawRoundTrip(Int16(clamping: Int((path.echo(of: x) + Float(b)).rounded())))
            let e = Double(canceller.process(reference: x, received: received))
            if n >= 3 * 8000 {
                output += e * e
                noise += b * b
            }
        }
        return (output / 8000, noise / 8000)
    }

    @Test("the NLP replaces residual echo with comfort noise at the line's background level")
    func nonLinearProcessor() throws {
        let plain = try outputPower(nlp: false)
        let withNLP = try outputPower(nlp: true)
        let plainDB = 10 * log10(plain.output / plain.background)
        let nlpDB = 10 * log10(withNLP.output / withNLP.background)
        #expect(plainDB > 3, "without the NLP the residual echo should stand above the background: \(plainDB) dB")
        #expect(abs(nlpDB) <= 3, "comfort noise is \(nlpDB) dB from the background (no NLP: \(plainDB) dB)")
    }

    @Test("disabled, it passes the received signal unchanged")
    func disabled() throws {
        let canceller = try EchoCanceller()
        canceller.isEnabled = false
        let reference: [Int16] = (0..<160).map { Int16($0 * 100) }
        let received: [Int16] = (0..<160).map { Int16(-$0 * 50) }
        var output = [Int16](repeating: 0, count: 160)
        reference.withUnsafeBufferPointer { r in
            received.withUnsafeBufferPointer { s in
                output.withUnsafeMutableBufferPointer { canceller.process(reference: r, received: s, output: $0) }
            }
        }
        #expect(output == received)
    }

    @Test("tails outside 16-128 ms are refused", arguments: [0, 8, 15, 129, 512])
    func badTail(ms: Int) {
        #expect(throws: EchoCancellerError.self) {
            _ = try EchoCanceller(settings: EchoCancellerSettings(tailMilliseconds: ms))
        }
    }
}
