/// One call on a PRI span as the backend tracks it: libpri's call handle, its B-channel, and how
/// far it has got.
struct PRICall {
    enum Stage {
        /// SETUP sent or received, nothing back yet.
        case setup
        /// Overlap: SETUP ACKNOWLEDGE sent, collecting digits.
        case collecting
        case proceeding
        case alerting
        case answered
        /// We sent DISCONNECT/RELEASE and wait for the far end.
        case releasing
    }

    let id: CallID
    /// libpri's `q931_call *`.
    let handle: OpaquePointer
    let outgoing: Bool
    /// The PRI channel number, once one is settled.
    var channel: Int?
    var stage: Stage = .setup
    /// The cause we released with, when the release is ours.
    var localCause: Q850Cause?
}
