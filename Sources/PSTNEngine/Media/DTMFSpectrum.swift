import CMediaKernels
import Foundation

/// What the DTMF receiver measures at its eight frequencies, refreshed every 4 ms.
///
/// Goertzel resonators run over 32-sample sub-blocks (in C, `cmk_goertzel_run`); each sub-block's
/// complex DFT is kept, and the last four are chained into the DFT of a 128-sample (16 ms)
/// window with the phase reference at the window's start. Comparing the phase of that window
/// with the window two sub-blocks (64 samples) earlier measures each tone's frequency; the same
/// samples are kept for Hann-windowed probes at arbitrary frequencies (the purity checks).
///
/// All memory is allocated at creation; nothing here allocates afterwards.
struct DTMFSpectrum {
    static let sampleRate: Float = 8000
    static let subBlock = 32
    static let subBlocks = 4
    static let window = subBlock * subBlocks
    /// Sub-blocks between the two windows whose phases give the frequency.
    static let lag = 2
    /// Samples spanned by the two compared windows: what one verdict looks at.
    static let span = window + lag * subBlock
    /// Row (low group) then column (high group) frequencies.
    static let frequencies: [Float] = [697, 770, 852, 941, 1209, 1336, 1477, 1633]
    static let banks = 8

    private let nominal: UnsafeMutablePointer<Float>
    private let coefficients: UnsafeMutablePointer<Float>
    private let resonators: UnsafeMutablePointer<Float>
    /// Per bank: e^{-jw}, e^{-jw(S-1)}, e^{-jwS}, e^{-jw lag S} as (re, im) pairs.
    private let rotations: UnsafeMutablePointer<Float>
    /// Sub-block DFTs, `subBlocks` slots of `banks` (re, im).
    private let parts: UnsafeMutablePointer<Float>
    /// Window DFTs, `lag + 1` slots of `banks` (re, im).
    private let windows: UnsafeMutablePointer<Float>
    /// The samples of the last `subBlocks` sub-blocks (slot-major ring).
    private let samples: UnsafeMutablePointer<Float>
    private let energies: UnsafeMutablePointer<Float>
    private let hann: UnsafeMutablePointer<Float>
    private let hannGain: Float
    static let maximumProbes = 8
    /// Frequencies for `probe`, written by the caller.
    let probeFrequencies: UnsafeMutablePointer<Float>
    /// What `probe` measured.
    let probePowers: UnsafeMutablePointer<Float>
    private let probeCoefficients: UnsafeMutablePointer<Float>
    private let probeState: UnsafeMutablePointer<Float>
    private let windowed: UnsafeMutablePointer<Float>

    /// Ring slot of the sub-block being filled.
    private var slot = 0
    /// Ring slot of the newest window.
    private var windowSlot = 0
    /// Samples in the current sub-block so far.
    private(set) var filled = 0
    /// Mean power of the samples in the newest window.
    private(set) var totalPower: Float = 0

    /// `leadingSilence` samples (modulo a sub-block) count as already heard, silent, in the
    /// first sub-block: silence leaves the resonators at rest, so this only moves the sub-block grid.
    init(leadingSilence: Int = 0) {
        filled = max(0, leadingSilence) % Self.subBlock
        let banks = Self.banks
        nominal = .allocate(capacity: banks)
        nominal.initialize(from: Self.frequencies, count: banks)
        coefficients = .allocate(capacity: banks)
        resonators = .allocate(capacity: 2 * banks)
        resonators.initialize(repeating: 0, count: 2 * banks)
        rotations = .allocate(capacity: 8 * banks)
        for b in 0..<banks {
            let w = 2 * Float.pi * Self.frequencies[b] / Self.sampleRate
            coefficients[b] = 2 * cos(w)
            for (i, turns) in [Float(1), Float(Self.subBlock - 1), Float(Self.subBlock), Float(Self.lag * Self.subBlock)].enumerated() {
                rotations[8 * b + 2 * i] = cos(w * turns)
                rotations[8 * b + 2 * i + 1] = -sin(w * turns)
            }
        }
        parts = .allocate(capacity: 2 * banks * Self.subBlocks)
        parts.initialize(repeating: 0, count: 2 * banks * Self.subBlocks)
        windows = .allocate(capacity: 2 * banks * (Self.lag + 1))
        windows.initialize(repeating: 0, count: 2 * banks * (Self.lag + 1))
        samples = .allocate(capacity: Self.window)
        samples.initialize(repeating: 0, count: Self.window)
        energies = .allocate(capacity: Self.subBlocks)
        energies.initialize(repeating: 0, count: Self.subBlocks)
        hann = .allocate(capacity: Self.window)
        var gain: Float = 0
        for n in 0..<Self.window {
            hann[n] = 0.5 - 0.5 * cos(2 * Float.pi * (Float(n) + 0.5) / Float(Self.window))
            gain += hann[n]
        }
        hannGain = gain
        probeFrequencies = .allocate(capacity: Self.maximumProbes)
        probeFrequencies.initialize(repeating: 0, count: Self.maximumProbes)
        probePowers = .allocate(capacity: Self.maximumProbes)
        probePowers.initialize(repeating: 0, count: Self.maximumProbes)
        probeCoefficients = .allocate(capacity: Self.maximumProbes)
        probeCoefficients.initialize(repeating: 0, count: Self.maximumProbes)
        probeState = .allocate(capacity: 2 * Self.maximumProbes)
        probeState.initialize(repeating: 0, count: 2 * Self.maximumProbes)
        windowed = .allocate(capacity: Self.window)
        windowed.initialize(repeating: 0, count: Self.window)
    }

    /// Free the storage; the owner calls this once, from its deinit.
    func release() {
        nominal.deallocate()
        coefficients.deallocate()
        resonators.deallocate()
        rotations.deallocate()
        parts.deallocate()
        windows.deallocate()
        samples.deallocate()
        energies.deallocate()
        hann.deallocate()
        probeFrequencies.deallocate()
        probePowers.deallocate()
        probeCoefficients.deallocate()
        probeState.deallocate()
        windowed.deallocate()
    }

    /// Ask the cache for what the next samples touch: the resonators, their coefficients, the
    /// sub-block's energy and where its samples go (the media loop, a channel ahead).
    @inline(__always)
    func prefetch() {
        cmk_prefetch(resonators, Int32(2 * Self.banks * MemoryLayout<Float>.size))
        cmk_prefetch(coefficients, Int32(Self.banks * MemoryLayout<Float>.size))
        cmk_prefetch(energies + slot, Int32(MemoryLayout<Float>.size))
        cmk_prefetch(samples + slot * Self.subBlock + filled, Int32(min(8, Self.subBlock - filled) * MemoryLayout<Float>.size))
    }

    /// Where the next samples go: the free part of the current sub-block.
    var space: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: samples + slot * Self.subBlock + filled, count: Self.subBlock - filled)
    }

    /// Run the resonators over `count` samples just written into `space`; returns true when the
    /// sub-block is complete and a new window has been measured.
    mutating func commit(_ count: Int) -> Bool {
        let start = samples + slot * Self.subBlock + filled
        energies[slot] += cmk_goertzel_run(resonators, coefficients, Int32(Self.banks), start, Int32(count))
        filled += count
        guard filled == Self.subBlock else { return false }
        finishSubBlock()
        return true
    }

    private mutating func finishSubBlock() {
        let banks = Self.banks
        let part = parts + 2 * banks * slot
        for b in 0..<banks {
            let s1 = resonators[b]
            let s2 = resonators[banks + b]
            let r = rotations + 8 * b
            // y = s1 - e^{-jw} s2, then X = e^{-jw(S-1)} y: the DFT from the sub-block's start.
            let yr = s1 - r[0] * s2
            let yi = -r[1] * s2
            part[2 * b] = yr * r[2] - yi * r[3]
            part[2 * b + 1] = yr * r[3] + yi * r[2]
            resonators[b] = 0
            resonators[banks + b] = 0
        }
        windowSlot = (windowSlot + 1) % (Self.lag + 1)
        let target = windows + 2 * banks * windowSlot
        for b in 0..<banks {
            // Horner over the sub-blocks, newest first: W = ((Y3 r + Y2) r + Y1) r + Y0, r = e^{-jwS}.
            let rr = rotations[8 * b + 4]
            let ri = rotations[8 * b + 5]
            var wr: Float = 0
            var wi: Float = 0
            for age in 0..<Self.subBlocks {
                let p = parts + 2 * banks * ((slot - age + Self.subBlocks) % Self.subBlocks) + 2 * b
                let tr = wr * rr - wi * ri + p[0]
                wi = wr * ri + wi * rr + p[1]
                wr = tr
            }
            target[2 * b] = wr
            target[2 * b + 1] = wi
        }
        var energy: Float = 0
        for i in 0..<Self.subBlocks { energy += energies[i] }
        totalPower = energy / Float(Self.window)
        slot = (slot + 1) % Self.subBlocks
        energies[slot] = 0
        filled = 0
    }

    /// Bank `b`'s nominal frequency in Hz.
    func frequency(_ b: Int) -> Float { nominal[b] }

    /// Mean power of a sine at bank `b` over the newest window (A^2/2 for amplitude A).
    func power(_ b: Int) -> Float { windowPower(b, windowSlot) }

    /// The same, over the window `lag` sub-blocks older.
    func earlierPower(_ b: Int) -> Float { windowPower(b, (windowSlot + 1) % (Self.lag + 1)) }

    private func windowPower(_ b: Int, _ slot: Int) -> Float {
        let w = windows + 2 * Self.banks * slot + 2 * b
        return 2 * (w[0] * w[0] + w[1] * w[1]) / Float(Self.window * Self.window)
    }

    /// How far the tone nearest bank `b` lies from the bank's frequency, in Hz (within ±62.5 Hz),
    /// from the phase it advanced between the two windows beyond what the nominal frequency would.
    func deviation(_ b: Int) -> Float {
        let new = windows + 2 * Self.banks * windowSlot + 2 * b
        let old = windows + 2 * Self.banks * ((windowSlot + 1) % (Self.lag + 1)) + 2 * b
        // z = new * conj(old) * e^{-jw lag S}
        let ar = new[0] * old[0] + new[1] * old[1]
        let ai = new[1] * old[0] - new[0] * old[1]
        let rr = rotations[8 * b + 6]
        let ri = rotations[8 * b + 7]
        let angle = atan2(ar * ri + ai * rr, ar * rr - ai * ri)
        return angle * Self.sampleRate / (2 * Float.pi * Float(Self.lag * Self.subBlock))
    }

    /// Run `probe` on the first `count` (at most `maximumProbes`) entries of `probeFrequencies`:
    /// afterwards `probePowers` holds the mean power of a sine at each over the newest window,
    /// Hann-windowed (sidelobes low enough to see a weak component 150 Hz from a strong one).
    /// Goertzel resonators over the windowed samples, run as one bank by the C kernel.
    func probe(_ count: Int) {
        let n = min(count, Self.maximumProbes)
        // The window's samples start in the slot after the newest (the oldest one).
        let oldest = slot * Self.subBlock
        let tail = Self.window - oldest
        for i in 0..<tail { windowed[i] = samples[oldest + i] * hann[i] }
        for i in 0..<oldest { windowed[tail + i] = samples[i] * hann[tail + i] }
        for i in 0..<n {
            probeCoefficients[i] = 2 * cos(2 * Float.pi * probeFrequencies[i] / Self.sampleRate)
            probeState[i] = 0
            probeState[n + i] = 0
        }
        _ = cmk_goertzel_run(probeState, probeCoefficients, Int32(n), windowed, Int32(Self.window))
        for i in 0..<n {
            let s1 = probeState[i]
            let s2 = probeState[n + i]
            let magnitude = s1 * s1 + s2 * s2 - probeCoefficients[i] * s1 * s2
            probePowers[i] = 2 * magnitude / (hannGain * hannGain)
        }
    }
}
