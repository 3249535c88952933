/// Watches received audio for a stretch of silence (a caller who has stopped talking, for
/// voicemail's "end on silence"): armed with a length, it says once when the audio has stayed
/// below about -40 dBm0, judged on 10 ms blocks, for that long. Sound re-arms it. Runs in the
/// media loop: no allocation.
public struct SilenceWatch: Sendable {
    /// Mean square of a 10 ms block below which it counts as silence (RMS 160, about -43 dBm0).
    static let threshold: Int64 = 160 * 160
    static let block = 80

    /// Samples of silence that end the wait; 0 when not watching.
    private(set) var limit = 0
    private var quiet = 0
    private var blockEnergy: Int64 = 0
    private var blockFill = 0
    private var reported = false

    public init() {}

    public var isArmed: Bool { limit > 0 }

    /// Watch for `milliseconds` of silence from now (0 stops watching).
    public mutating func arm(milliseconds: Int) {
        limit = max(0, milliseconds) * 8
        quiet = 0
        blockEnergy = 0
        blockFill = 0
        reported = false
    }

    /// Take received audio; true once when the silence has lasted the armed length.
    public mutating func feed(_ audio: UnsafeBufferPointer<Int16>) -> Bool {
        guard limit > 0 else { return false }
        var fired = false
        for s in audio {
            blockEnergy += Int64(s) * Int64(s)
            blockFill += 1
            guard blockFill == Self.block else { continue }
            if blockEnergy / Int64(Self.block) < Self.threshold {
                quiet += Self.block
                if quiet >= limit, !reported {
                    reported = true
                    fired = true
                }
            } else {
                quiet = 0
                reported = false
            }
            blockEnergy = 0
            blockFill = 0
        }
        return fired
    }
}
