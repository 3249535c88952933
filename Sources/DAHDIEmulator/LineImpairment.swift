import CG168Models
import Foundation

/// What happens to audio on one direction of a cable: gain, extra delay and white noise.
/// Works on linear samples; a direction with no impairment is never decoded, so it stays bit-exact.
struct DirectionImpairment {
    let gain: Float
    let noiseRMS: Float
    private var delayLine: [Int16]
    private var delayIndex = 0
    private var random = SplitMix64(seed: 0x5eed)

    init(gainDB: Double, noiseDBm0: Double?, delayMs: Int) {
        gain = Float(pow(10, gainDB / 20))
        // 0 dBm0 is a sine of 3.14 dB below G.711 full scale (about 22 786 peak for A-law); RMS ~16 112.
        noiseRMS = noiseDBm0.map { Float(16_112 * pow(10, $0 / 20)) } ?? 0
        delayLine = [Int16](repeating: 0, count: delayMs * 8)
    }

    var isIdentity: Bool { gain == 1 && noiseRMS == 0 && delayLine.isEmpty }

    mutating func process(_ sample: Int16) -> Int16 {
        var s = Float(sample) * gain
        if noiseRMS > 0 { s += random.gaussian() * noiseRMS }
        let out = Int16(clamping: Int(s.rounded()))
        guard !delayLine.isEmpty else { return out }
        let delayed = delayLine[delayIndex]
        delayLine[delayIndex] = out
        delayIndex = (delayIndex + 1) % delayLine.count
        return delayed
    }
}

/// A G.168 Annex D echo path: what an end sends comes back to it, filtered by the model's
/// impulse response, scaled to the echo return loss, after a bulk delay. The lab's cables use it,
/// and the echo canceller's conformance tests hold the canceller to it.
public struct EchoPath: Sendable {
    private let taps: [Float]
    private var history: [Float]
    private var index = 0

    public init?(model: Int, erlDB: Double, delayMs: Int) {
        var length: Int32 = 0
        var gain: Float = 0
        guard let coeffs = cg168_model(Int32(model), &length, &gain), length > 0 else { return nil }
        var response = (0..<Int(length)).map { Float(coeffs[$0]) * gain }
        // Scale so that the path's power gain equals -ERL dB (the models are normalised the same way
        // in G.168: the energy of the response sets the echo return loss).
        let energy = response.reduce(0) { $0 + $1 * $1 }
        if energy > 0 {
            let target = Float(pow(10, -erlDB / 10))
            let scale = (target / energy).squareRoot()
            response = response.map { $0 * scale }
        }
        taps = [Float](repeating: 0, count: delayMs * 8) + response
        history = [Float](repeating: 0, count: taps.count)
    }

    /// Feed one sample the end sent; returns the echo of everything sent so far at this instant.
    public mutating func echo(of sent: Int16) -> Float {
        history[index] = Float(sent)
        var sum: Float = 0
        var h = index
        for t in taps {
            sum += t * history[h]
            h = h == 0 ? history.count - 1 : h - 1
        }
        index = (index + 1) % history.count
        return sum
    }
}

/// A small deterministic generator (SplitMix64) so impaired runs repeat exactly.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func gaussian() -> Float {
        let u1 = max(unit(), 1e-12)
        let u2 = unit()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
