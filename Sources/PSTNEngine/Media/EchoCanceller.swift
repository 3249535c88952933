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
    /// The C state the chunk kernel works on; this class owns it and its buffers (the media loop
    /// prefetches it).
    let state: UnsafeMutablePointer<cmk_echo>
    private let historyLength: Int

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
        historyLength = 2 * (taps + Int(CMK_ECHO_OLDER))
        let blockCount = (taps + Int(CMK_ECHO_PEAK_BLOCK) - 1) / Int(CMK_ECHO_PEAK_BLOCK)
        state = .allocate(capacity: 1)
        state.initialize(to: cmk_echo())
        state.pointee.taps = Int32(taps)
        state.pointee.step_size = settings.stepSize
        state.pointee.threshold = settings.doubleTalkThreshold
        state.pointee.hangover_samples = Int32(settings.doubleTalkHangoverMilliseconds * 8)
        state.pointee.non_linear_processor = settings.nonLinearProcessor ? 1 : 0
        // About -50 dBm0 of reference power over the tail keeps the step bounded in silence.
        state.pointee.regularisation = Float(taps) * 50 * 50
        state.pointee.weights = .allocate(capacity: taps)
        state.pointee.history = .allocate(capacity: historyLength)
        state.pointee.block_peaks = .allocate(capacity: blockCount)
        state.pointee.block_count = Int32(blockCount)
        reset()
    }

    deinit {
        state.pointee.weights.deallocate()
        state.pointee.history.deallocate()
        state.pointee.block_peaks.deallocate()
        state.deallocate()
    }

    /// Forget the learnt echo path (a new call on the channel).
    public func reset() {
        let s = state
        s.pointee.weights.update(repeating: 0, count: taps)
        s.pointee.history.update(repeating: 0, count: historyLength)
        s.pointee.block_peaks.update(repeating: 0, count: Int(s.pointee.block_count))
        s.pointee.position = 0
        s.pointee.energy = 0
        s.pointee.lag1 = 0
        s.pointee.pending_newest = 0
        s.pointee.pending_older = 0
        s.pointee.block_index = 0
        s.pointee.samples_in_block = 0
        s.pointee.current_peak = 0
        s.pointee.completed_peak = 0
        s.pointee.hangover = 0
        s.pointee.reference_power = 0
        s.pointee.received_power = 0
        s.pointee.residual_power = 0
        s.pointee.noise_floor = 100
        s.pointee.noise_state = 0x2545_F491_4F6C_DD1D
    }

    /// Where the learnt echo path is strongest, in samples after the reference (the tap of the
    /// largest weight): the echo's delay on this line, for operators and diagnostics.
    public var echoDelaySamples: Int {
        let weights = state.pointee.weights!
        var best = 0
        var peak: Float = 0
        for k in 0..<taps where abs(weights[k]) > peak {
            peak = abs(weights[k])
            best = k
        }
        return best
    }

    /// Whether double talk is holding adaptation now.
    public var inDoubleTalk: Bool { state.pointee.hangover > 0 }

    /// Cancel echo on a chunk: `reference` is what the engine sent to the line, `received` what
    /// came back, both linear; `output` receives the near-end signal with the echo removed.
    public func process(reference: UnsafeBufferPointer<Int16>, received: UnsafeBufferPointer<Int16>,
                        output: UnsafeMutableBufferPointer<Int16>) {
        let count = min(reference.count, received.count, output.count)
        guard count > 0 else { return }
        guard isEnabled else {
            for i in 0..<count { output[i] = received[i] }
            return
        }
        cmk_echo_process(state, reference.baseAddress, received.baseAddress, output.baseAddress, Int32(count))
    }

    /// One sample: returns the received sample with the echo of `reference` removed.
    public func process(reference: Int16, received: Int16) -> Int16 {
        var x = reference, y = received, output: Int16 = 0
        guard isEnabled else { return received }
        cmk_echo_process(state, &x, &y, &output, 1)
        return output
    }
}
