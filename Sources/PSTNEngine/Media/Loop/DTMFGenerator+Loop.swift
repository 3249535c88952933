import CSpanDSP

extension DTMFGenerator {
    /// Queue digits already checked (a `DigitString`), without making a String: for the loop.
    func queue(cString digits: UnsafePointer<CChar>) -> Bool {
        dtmf_tx_put(transmitter, digits, -1) == 0
    }
}
