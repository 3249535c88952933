import Foundation

/// The gate in front of the fax tone receivers: per 10 ms block, whether the band each receiver
/// listens to (1100 Hz for CNG, 2100 Hz for ANS/ANSam, 1650-1850 Hz for V.21 channel 2) holds
/// the block's power. Far looser than the receivers themselves (they want the tone 15 dB or more
/// above the rest, and above about -46 dBm0; this wants 40% of the power and -50 dBm0), so it
/// only spares them the audio in which they could find nothing.
struct FaxToneBands {
    /// Which bands hold tone in one block: bit 0 CNG, bit 1 ANS, bit 2 V.21 channel 2.
    struct Verdict {
        var bits: UInt8 = 0

        /// Band `n` (0 CNG, 1 ANS, 2 V.21) holds tone.
        subscript(n: Int) -> Bool { bits & (1 << UInt8(n)) != 0 }
    }

    static let blockSamples = 80
    /// Least share of the block's power the band must hold.
    static let share: Float = 0.4
    /// Least power in the band: -50 dBm0, a few dB under what the receivers hear (fax tones are
    /// specified down to -43 dBm0).
    static let floor: Float = {
        let amplitude = 22_786 * pow(10.0, -50.0 / 20.0)
        return Float(amplitude * amplitude / 2)
    }()

    /// 1100; 2100; 1650, 1750, 1850 Hz (orthogonal 100 Hz bins over 80 samples, so the three
    /// catch the FSK signal between its mark and space frequencies too).
    private let filters = GoertzelBank(frequencies: [1100, 2100, 1650, 1750, 1850])

    func release() { filters.release() }

    /// Judge one block of `blockSamples` samples.
    func judge(_ block: UnsafePointer<Int16>) -> Verdict {
        let energy = GoertzelBank.meanSquare(block, count: Self.blockSamples)
        // Too quiet for any band to reach the floor: the filters are not run.
        guard energy >= Self.floor else { return Verdict() }
        filters.analyse(block, count: Self.blockSamples)
        let p = filters.powers
        let least = max(Self.floor, Self.share * energy)
        var verdict = Verdict()
        if p[0] >= least { verdict.bits |= 1 }
        if p[1] >= least { verdict.bits |= 2 }
        if p[2] + p[3] + p[4] >= least { verdict.bits |= 4 }
        return verdict
    }
}
