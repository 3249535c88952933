import CMediaKernels
import Foundation

/// How a line echo canceller is set up.
public struct EchoCancellerSettings: Sendable, Equatable {
    /// The echo tail covered, 16 to 128 ms.
    public var tailMilliseconds: Int = 64
    /// NLMS step size (0 < mu <= 1).
    public var stepSize: Float = 0.4
    /// Non-linear processor with comfort noise on the residual echo.
    public var nonLinearProcessor = true
    /// Geigel double-talk threshold: near end louder than this fraction of the recent far-end peak
    /// is taken as double talk (0.5 = 6 dB, right for echo return losses of 6 dB and more).
    public var doubleTalkThreshold: Float = 0.5
    /// How long adaptation stays frozen after double talk was last seen.
    public var doubleTalkHangoverMilliseconds: Int = 40

    public init(tailMilliseconds: Int = 64, nonLinearProcessor: Bool = true) {
        self.tailMilliseconds = tailMilliseconds
        self.nonLinearProcessor = nonLinearProcessor
    }
}

/// Why an echo canceller could not be made.
public struct EchoCancellerError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The engine's line echo canceller (ITU-T G.168): a normalised LMS adaptive FIR over the signal
/// the engine sends (the reference), subtracted from what comes back from the line; Geigel
/// double-talk detection freezes adaptation; an optional non-linear processor replaces residual
/// echo with comfort noise.
///
/// All memory is allocated at creation; `process` allocates nothing, locks nothing and is meant
/// for the media thread. One instance per channel, used by one thread.
public final class EchoCanceller {
    public let settings: EchoCancellerSettings
    public let taps: Int
    /// When false, the received signal passes unchanged (fax and modem calls).
    public var isEnabled = true
    private var state: EchoState

    public init(settings: EchoCancellerSettings = EchoCancellerSettings()) throws(EchoCancellerError) {
        guard (16...128).contains(settings.tailMilliseconds) else {
            throw EchoCancellerError(message: "echo tail \(settings.tailMilliseconds) ms is outside 16-128 ms")
        }
        guard settings.stepSize > 0, settings.stepSize <= 1 else {
            throw EchoCancellerError(message: "NLMS step size \(settings.stepSize) is outside (0, 1]")
        }
        guard settings.doubleTalkThreshold > 0, settings.doubleTalkThreshold <= 1 else {
            throw EchoCancellerError(message: "double-talk threshold \(settings.doubleTalkThreshold) is outside (0, 1]")
        }
        guard (0...1000).contains(settings.doubleTalkHangoverMilliseconds) else {
            throw EchoCancellerError(message: "double-talk hangover \(settings.doubleTalkHangoverMilliseconds) ms is outside 0-1000 ms")
        }
        self.settings = settings
        taps = settings.tailMilliseconds * 8
        state = EchoState(settings: settings, taps: taps)
    }

    deinit { state.release() }

    /// Forget the learnt echo path (a new call on the channel).
    public func reset() { state.reset() }

    /// Where the learnt echo path is strongest, in samples after the reference (the tap of the
    /// largest weight): the echo's delay on this line, for operators and diagnostics.
    public var echoDelaySamples: Int {
        var best = 0
        var peak: Float = 0
        for k in 0..<taps where abs(state.weights[k]) > peak {
            peak = abs(state.weights[k])
            best = k
        }
        return best
    }

    /// Whether double talk is holding adaptation now.
    public var inDoubleTalk: Bool { state.hangover > 0 }

    /// Cancel echo on a chunk: `reference` is what the engine sent to the line, `received` what
    /// came back, both linear; `output` receives the near-end signal with the echo removed.
    public func process(reference: UnsafeBufferPointer<Int16>, received: UnsafeBufferPointer<Int16>,
                        output: UnsafeMutableBufferPointer<Int16>) {
        let count = min(reference.count, received.count, output.count)
        guard isEnabled else {
            for i in 0..<count { output[i] = received[i] }
            return
        }
        // Work on a local copy: no exclusivity checks on class storage inside the sample loop.
        var s = state
        var i = 0
        // Two samples per pass over the weights; an odd last sample alone.
        while i + 1 < count {
            let (e1, e2) = s.pair(reference: Float(reference[i]), Float(reference[i + 1]),
                                  received: Float(received[i]), Float(received[i + 1]))
            output[i] = Self.sample(e1)
            output[i + 1] = Self.sample(e2)
            i += 2
        }
        if i < count {
            output[i] = Self.sample(s.step(reference: Float(reference[i]), received: Float(received[i])))
        }
        state = s
    }

    /// Clamp in Float (NaN to silence), then round half away from zero without a libm call.
    @inline(__always)
    private static func sample(_ e: Float) -> Int16 {
        let clamped = e.isNaN ? 0 : Swift.max(-32768, Swift.min(32767, e))
        return Int16(clamped + (clamped < 0 ? -0.5 : 0.5))
    }

    /// One sample: returns the received sample with the echo of `reference` removed.
    public func process(reference x: Float, received y: Float) -> Float {
        state.step(reference: x, received: y)
    }
}

/// The canceller's working state: pointers to its buffers and the scalars the sample loop updates.
struct EchoState {
    static let slack = 1024
    static let peakBlock = 32
    /// Samples kept beyond the newest window: the kernels read windows up to 3 samples older.
    static let older = 4

    let taps: Int
    let stepSize: Float
    let threshold: Float
    let hangoverSamples: Int
    let nonLinearProcessor: Bool
    let regularisation: Float
    let weights: UnsafeMutablePointer<Float>
    let history: UnsafeMutablePointer<Float>
    let blockPeaks: UnsafeMutablePointer<Float>
    let blockCount: Int

    var position = EchoState.slack
    var energy: Float = 0
    /// The product of the newest window with the one before it (their lag-1 correlation).
    var lag1: Float = 0
    /// Updates not yet applied to the weights: the gain for the newest window (at `position`)
    /// and for the one before it (at `position + 1`).
    var pendingNewest: Float = 0
    var pendingOlder: Float = 0
    var blockIndex = 0
    var samplesInBlock = 0
    var currentPeak: Float = 0
    var completedPeak: Float = 0
    var hangover = 0
    var referencePower: Float = 0
    var receivedPower: Float = 0
    var residualPower: Float = 0
    var noiseFloor: Float = 100
    var noiseState: UInt64 = 0x2545_F491_4F6C_DD1D

    init(settings: EchoCancellerSettings, taps: Int) {
        self.taps = taps
        stepSize = settings.stepSize
        threshold = settings.doubleTalkThreshold
        hangoverSamples = settings.doubleTalkHangoverMilliseconds * 8
        nonLinearProcessor = settings.nonLinearProcessor
        // About -50 dBm0 of reference power over the tail keeps the step bounded in silence.
        regularisation = Float(taps) * 50 * 50
        weights = .allocate(capacity: taps)
        weights.initialize(repeating: 0, count: taps)
        history = .allocate(capacity: taps + Self.older + Self.slack)
        history.initialize(repeating: 0, count: taps + Self.older + Self.slack)
        blockCount = (taps + Self.peakBlock - 1) / Self.peakBlock
        blockPeaks = .allocate(capacity: blockCount)
        blockPeaks.initialize(repeating: 0, count: blockCount)
    }

    func release() {
        weights.deallocate()
        history.deallocate()
        blockPeaks.deallocate()
    }

    mutating func reset() {
        weights.update(repeating: 0, count: taps)
        history.update(repeating: 0, count: taps + Self.older + Self.slack)
        blockPeaks.update(repeating: 0, count: blockCount)
        position = Self.slack
        energy = 0
        lag1 = 0
        pendingNewest = 0
        pendingOlder = 0
        blockIndex = 0
        samplesInBlock = 0
        currentPeak = 0
        completedPeak = 0
        hangover = 0
        referencePower = 0
        receivedPower = 0
        residualPower = 0
        noiseFloor = 100
    }

    @inline(__always)
    mutating func step(reference x: Float, received y: Float) -> Float {
        insert(x)
        // Apply the pending updates and filter the new window in one pass over the taps.
        let estimate = cmk_nlms_step(weights, history + position, Int32(taps), pendingOlder, pendingNewest)
        pendingOlder = 0
        pendingNewest = gain(error: y - estimate, reference: x, received: y)
        let e = y - estimate
        return nonLinearProcessor ? nonLinear(e, reference: x, received: y) : e
    }

    /// Two samples with one pass over the weights; exactly what two `step`s compute: the second
    /// estimate is completed with the first sample's update through the windows' lag-1 product.
    @inline(__always)
    mutating func pair(reference x1: Float, _ x2: Float, received y1: Float, _ y2: Float) -> (Float, Float) {
        insert(x1)
        let energy1 = energy
        insert(x2)
        let energy2 = energy
        var first: Float = 0, second: Float = 0
        cmk_nlms_pair(weights, history + position, Int32(taps), pendingOlder, pendingNewest, &first, &second)
        let e1 = y1 - first
        energy = energy1
        let g1 = gain(error: e1, reference: x1, received: y1)
        energy = energy2
        let e2 = y2 - (second + g1 * lag1)
        let g2 = gain(error: e2, reference: x2, received: y2)
        pendingOlder = g1
        pendingNewest = g2
        guard nonLinearProcessor else { return (e1, e2) }
        let out1 = nonLinear(e1, reference: x1, received: y1)
        return (out1, nonLinear(e2, reference: x2, received: y2))
    }

    /// The NLMS gain for a sample's update, zero while double talk holds adaptation.
    @inline(__always)
    private mutating func gain(error e: Float, reference x: Float, received y: Float) -> Float {
        detectDoubleTalk(reference: x, received: y)
        guard hangover == 0 else {
            hangover -= 1
            return 0
        }
        return stepSize * e / (energy + regularisation)
    }

    @inline(__always)
    private mutating func insert(_ x: Float) {
        if position == 0 {
            // Slide the window back to the top of the buffer; re-sum the running sums to shed
            // rounding.
            (history + Self.slack).update(from: history, count: taps + Self.older)
            position = Self.slack
            var sum: Float = 0
            var lagged: Float = 0
            for k in 0..<taps {
                sum += history[position + k] * history[position + k]
                lagged += history[position + k] * history[position + k + 1]
            }
            energy = sum
            lag1 = lagged
        }
        let oldest = history[position + taps - 1]
        let leaving = oldest * history[position + taps]
        position -= 1
        history[position] = x
        energy = max(0, energy + x * x - oldest * oldest)
        lag1 += x * history[position + 1] - leaving
    }

    @inline(__always)
    private mutating func detectDoubleTalk(reference x: Float, received y: Float) {
        let magnitude = abs(x)
        if magnitude > currentPeak { currentPeak = magnitude }
        samplesInBlock += 1
        if samplesInBlock == Self.peakBlock {
            blockPeaks[blockIndex] = currentPeak
            blockIndex = blockIndex + 1 == blockCount ? 0 : blockIndex + 1
            samplesInBlock = 0
            currentPeak = 0
            completedPeak = 0
            for b in 0..<blockCount where blockPeaks[b] > completedPeak { completedPeak = blockPeaks[b] }
        }
        let farPeak = max(completedPeak, currentPeak)
        let near = abs(y)
        if near > threshold * farPeak && near > 64 {
            hangover = hangoverSamples
        }
    }

    @inline(__always)
    private mutating func nonLinear(_ e: Float, reference x: Float, received y: Float) -> Float {
        let a: Float = 1.0 / 128
        referencePower += a * (x * x - referencePower)
        receivedPower += a * (y * y - receivedPower)
        residualPower += a * (e * e - residualPower)
        if referencePower <= 100 * 100 && hangover == 0 {
            // Far end silent: what we hear is the line's background; its long-run power sets the
            // comfort noise level.
            noiseFloor += (e * e - noiseFloor) / 2048
            return e
        }
        // The canceller is taking most of what comes back (so it is echo, not near-end speech):
        // replace the residual with comfort noise.
        if residualPower * 8 < receivedPower {
            return comfortNoise()
        }
        return e
    }

    @inline(__always)
    private mutating func comfortNoise() -> Float {
        noiseState ^= noiseState << 13
        noiseState ^= noiseState >> 7
        noiseState ^= noiseState << 17
        let uniform = Float(noiseState >> 40) / Float(1 << 24) - 0.5
        // Uniform noise of variance 1/12 scaled to the floor's power.
        return uniform * (12 * max(noiseFloor, 0)).squareRoot()
    }
}
