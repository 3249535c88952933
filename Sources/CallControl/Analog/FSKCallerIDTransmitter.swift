import CSpanDSP

/// Sends one caller ID message as Bell 202 or V.23 FSK (spandsp `adsi_tx`), with the standard's
/// channel seizure and mark signal in front.
final class FSKCallerIDTransmitter: LineAudioSource {
    private let transmitter: OpaquePointer
    private var started = false

    /// Nil when `signalling` is not an FSK kind or spandsp refuses the message.
    convenience init?(_ callerID: CallerID, signalling: CallerIDSignalling) {
        self.init(message: FSKCallerIDMessage.encode(callerID), signalling: signalling)
    }

    /// Send `message` (type, length, body) as it is; tests use it to send broken ones.
    init?(message: [UInt8], signalling: CallerIDSignalling) {
        guard let standard = signalling.adsiStandard, let tx = adsi_tx_init(nil, standard) else { return nil }
        transmitter = tx
        let accepted = message.withUnsafeBufferPointer { adsi_tx_put_message(tx, $0.baseAddress, Int32($0.count)) }
        guard accepted > 0 else {
            adsi_tx_free(tx)
            return nil
        }
    }

    deinit { adsi_tx_free(transmitter) }

    func render(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let base = output.baseAddress else { return 0 }
        return Int(adsi_tx(transmitter, base, Int32(output.count)))
    }
}
