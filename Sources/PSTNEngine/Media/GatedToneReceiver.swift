import CSpanDSP

/// One spandsp modem connect tone receiver behind a gate: it hears the line only while its band
/// holds most of the power, and for a hangover after, so it sees whole tones (phase reversals,
/// AM troughs and all) yet costs nothing on speech, noise and silence. When the gate shuts the
/// receiver is reset, as if it had heard silence since.
struct GatedToneReceiver {
    /// Blocks the gate stays open after its band last held the power.
    static let hangoverBlocks = 20

    private let type: Int32
    private let receiver: OpaquePointer
    private(set) var isOpen = false
    private var hangover = 0
    /// Set once the receiver can find nothing new: it is no longer fed.
    var retired = false

    init(type: Int32) {
        self.type = type
        receiver = modem_connect_tones_rx_init(nil, type, nil, nil)
    }

    /// Free the spandsp state; the owner calls this once, from its deinit.
    func release() { modem_connect_tones_rx_free(receiver) }

    /// Whether samples should go to the receiver now.
    var listening: Bool { isOpen && !retired }

    /// Feed samples; the tone code the receiver reports (spandsp's, 0 for none).
    func listen(_ samples: UnsafePointer<Int16>, count: Int) -> Int32 {
        _ = modem_connect_tones_rx(receiver, samples, Int32(count))
        return modem_connect_tones_rx_get(receiver)
    }

    /// Take one block's verdict on the band; true when the gate has just opened (the caller then
    /// feeds the receiver the blocks it holds back, this one included).
    mutating func gate(bandHoldsTone: Bool) -> Bool {
        if bandHoldsTone {
            hangover = Self.hangoverBlocks
            if !isOpen {
                isOpen = true
                return !retired
            }
        } else if isOpen {
            hangover -= 1
            if hangover <= 0 {
                isOpen = false
                if !retired { _ = modem_connect_tones_rx_init(receiver, type, nil, nil) }
            }
        }
        return false
    }
}
