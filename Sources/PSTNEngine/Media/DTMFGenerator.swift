import CSpanDSP

/// DTMF generation (spandsp): digits at a level and timing, rendered into chunks.
public final class DTMFGenerator {
    let transmitter: OpaquePointer

    /// `levelDBm0` per tone of the low group, `twistDB` extra for the high group; times in ms.
    public init(levelDBm0: Int = -10, twistDB: Int = 2, onMilliseconds: Int = 80, offMilliseconds: Int = 80) {
        transmitter = dtmf_tx_init(nil)
        dtmf_tx_set_level(transmitter, Int32(levelDBm0), Int32(twistDB))
        dtmf_tx_set_timing(transmitter, Int32(onMilliseconds), Int32(offMilliseconds))
    }

    deinit { dtmf_tx_free(transmitter) }

    /// Queue digits to send; characters other than 0-9 * # A-D are refused.
    public func queue(_ digits: String) -> Bool {
        guard !digits.isEmpty, digits.allSatisfy({ "0123456789*#ABCDabcd".contains($0) }) else { return false }
        return dtmf_tx_put(transmitter, digits.uppercased(), -1) == 0
    }

    /// Render up to `output.count` samples; returns how many were produced (0 when done).
    public func render(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let base = output.baseAddress else { return 0 }
        return Int(dtmf_tx(transmitter, base, Int32(output.count)))
    }
}
