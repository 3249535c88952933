import CDAHDI

/// A signalling event DAHDI queues on a channel, read with `DAHDI_GETEVENT` after `POLLPRI`.
public enum ChannelEvent: Equatable, Sendable {
    case onHook
    /// Off-hook seen, or (on an FXO port) ringing started.
    case ringOffHook
    case winkFlash
    case alarm
    case noAlarm
    case abort
    case overrun
    case badFCS
    case dialComplete
    case ringerOn
    case ringerOff
    case hookComplete
    case bitsChanged
    case pulseStart
    case timerExpired
    case timerPing
    case polarity
    case ringBegin
    case echoCancellerDisabled
    case removed
    case readOverrun
    case writeUnderrun
    case dtmfDown(Character)
    case dtmfUp(Character)
    case pulseDigit(Character)
    /// A code this layer does not name, kept rather than dropped.
    case other(Int32)

    /// Decode a value returned by `DAHDI_GETEVENT`; `nil` for `DAHDI_EVENT_NONE`.
    public init?(code: Int32) {
        let digitFlags = code & ~0xFFFF
        let low = code & 0xFFFF
        if digitFlags != 0 {
            let digit = Character(Unicode.Scalar(UInt8(truncatingIfNeeded: low)))
            switch digitFlags {
            case Int32(DAHDI_EVENT_DTMFDOWN): self = .dtmfDown(digit)
            case Int32(DAHDI_EVENT_DTMFUP): self = .dtmfUp(digit)
            case Int32(DAHDI_EVENT_PULSEDIGIT): self = .pulseDigit(digit)
            default: self = .other(code)
            }
            return
        }
        switch code {
        case Int32(DAHDI_EVENT_NONE): return nil
        case Int32(DAHDI_EVENT_ONHOOK): self = .onHook
        case Int32(DAHDI_EVENT_RINGOFFHOOK): self = .ringOffHook
        case Int32(DAHDI_EVENT_WINKFLASH): self = .winkFlash
        case Int32(DAHDI_EVENT_ALARM): self = .alarm
        case Int32(DAHDI_EVENT_NOALARM): self = .noAlarm
        case Int32(DAHDI_EVENT_ABORT): self = .abort
        case Int32(DAHDI_EVENT_OVERRUN): self = .overrun
        case Int32(DAHDI_EVENT_BADFCS): self = .badFCS
        case Int32(DAHDI_EVENT_DIALCOMPLETE): self = .dialComplete
        case Int32(DAHDI_EVENT_RINGERON): self = .ringerOn
        case Int32(DAHDI_EVENT_RINGEROFF): self = .ringerOff
        case Int32(DAHDI_EVENT_HOOKCOMPLETE): self = .hookComplete
        case Int32(DAHDI_EVENT_BITSCHANGED): self = .bitsChanged
        case Int32(DAHDI_EVENT_PULSE_START): self = .pulseStart
        case Int32(DAHDI_EVENT_TIMER_EXPIRED): self = .timerExpired
        case Int32(DAHDI_EVENT_TIMER_PING): self = .timerPing
        case Int32(DAHDI_EVENT_POLARITY): self = .polarity
        case Int32(DAHDI_EVENT_RINGBEGIN): self = .ringBegin
        case Int32(DAHDI_EVENT_EC_DISABLED): self = .echoCancellerDisabled
        case Int32(DAHDI_EVENT_REMOVED): self = .removed
        case Int32(DAHDI_EVENT_READ_OVERRUN): self = .readOverrun
        case Int32(DAHDI_EVENT_WRITE_UNDERRUN): self = .writeUnderrun
        default: self = .other(code)
        }
    }
}

/// What `DAHDI_HOOK` asks of a channel.
public enum HookCommand: Int32, Sendable {
    case onHook = 0
    case offHook = 1
    case wink = 2
    case flash = 3
    case start = 4
    case ring = 5
    case ringOff = 6
}
