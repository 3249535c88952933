import CSpanDSP

/// Listens for a caller ID message in Bell 202 or V.23 FSK (spandsp `adsi_rx`, which checks the
/// checksum) and keeps the raw messages that arrive, for `FSKCallerIDMessage.parse`.
final class FSKCallerIDReceiver {
    private final class Inbox {
        var messages: [[UInt8]] = []
    }

    private var receiver: OpaquePointer?
    private let inbox = Inbox()

    /// Nil when `signalling` is not an FSK kind.
    init?(signalling: CallerIDSignalling) {
        guard let standard = signalling.adsiStandard else { return nil }
        let context = Unmanaged.passUnretained(inbox).toOpaque()
        receiver = adsi_rx_init(nil, standard, { user, msg, len in
            guard let user, let msg, len > 0 else { return }
            let inbox = Unmanaged<Inbox>.fromOpaque(user).takeUnretainedValue()
            if inbox.messages.count < 4 {
                inbox.messages.append(Array(UnsafeBufferPointer(start: msg, count: Int(len))))
            }
        }, context)
        if receiver == nil { return nil }
    }

    deinit { if let receiver { adsi_rx_free(receiver) } }

    func process(_ samples: UnsafeBufferPointer<Int16>) {
        guard let receiver, let base = samples.baseAddress else { return }
        _ = adsi_rx(receiver, base, Int32(samples.count))
    }

    /// The oldest message received and not yet taken.
    func nextMessage() -> [UInt8]? {
        inbox.messages.isEmpty ? nil : inbox.messages.removeFirst()
    }
}
