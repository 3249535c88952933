import Foundation

/// Two second-order IIR notches at 350 and 440 Hz (the North American dial tone), for receiving
/// digits dialled over dial tone. Zeros on the unit circle, poles at radius 0.98: about 50 Hz
/// wide (a 450 Hz dial tone loses only 9 dB); the DTMF band passes with +0.3 dB. Allocation-free,
/// one instance per channel.
struct DialToneNotch {
    /// One notch: H(z) = (1 - 2cos(w) z^-1 + z^-2) / (1 - 2r cos(w) z^-1 + r^2 z^-2).
    private struct Section {
        let b1: Float
        let a1: Float
        let a2: Float
        var x1: Float = 0
        var x2: Float = 0
        var y1: Float = 0
        var y2: Float = 0

        init(frequency: Float, radius: Float) {
            let c = cos(2 * Float.pi * frequency / 8000)
            b1 = -2 * c
            a1 = -2 * radius * c
            a2 = radius * radius
        }

        mutating func filter(_ x: Float) -> Float {
            let y = x + b1 * x1 + x2 - a1 * y1 - a2 * y2
            x2 = x1
            x1 = x
            y2 = y1
            y1 = y
            return y
        }
    }

    private var low = Section(frequency: 350, radius: 0.98)
    private var high = Section(frequency: 440, radius: 0.98)

    /// Filter samples in place.
    mutating func filter(_ samples: UnsafeMutableBufferPointer<Float>) {
        for i in samples.indices { samples[i] = high.filter(low.filter(samples[i])) }
    }
}
