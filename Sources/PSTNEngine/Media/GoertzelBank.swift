import CMediaKernels
import Foundation

/// Goertzel filters for a fixed set of frequencies, run over whole blocks by the SIMD kernel in
/// CMediaKernels: the detectors' cheap look at how much of a block sits at each frequency.
/// Allocates at creation only; the owner calls `release()` once, from its deinit.
struct GoertzelBank {
    /// The frequencies asked for; `powers[i]` belongs to `frequencies[i]` after `analyse`.
    let count: Int
    private let groups: Int
    private let coefficients: UnsafeMutablePointer<Float>
    /// Mean power per frequency of the last block analysed (A^2/2 of a sine of amplitude A).
    let powers: UnsafeMutablePointer<Float>

    init(frequencies: [Double], sampleRate: Double = 8000) {
        count = frequencies.count
        groups = max(1, (frequencies.count + 7) / 8)
        coefficients = .allocate(capacity: 8 * groups)
        coefficients.initialize(repeating: 0, count: 8 * groups)
        powers = .allocate(capacity: 8 * groups)
        powers.initialize(repeating: 0, count: 8 * groups)
        for (i, f) in frequencies.enumerated() { coefficients[i] = Float(2 * cos(2 * .pi * f / sampleRate)) }
    }

    func release() {
        coefficients.deallocate()
        powers.deallocate()
    }

    /// Run the filters over one block (at most 1024 samples); results land in `powers`.
    func analyse(_ block: UnsafePointer<Int16>, count n: Int) {
        cmk_goertzel_powers(block, Int32(n), coefficients, Int32(groups), powers)
    }

    /// Mean square of a block: the power a sine's A^2/2 is compared with.
    static func meanSquare(_ block: UnsafePointer<Int16>, count n: Int) -> Float {
        Float(cmk_sum_squares(block, Int32(n))) / Float(n)
    }
}
