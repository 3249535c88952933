import CDAHDI

/// A DAHDI channel signalling type, with its `system.conf` keyword and `DAHDI_SIG_*` value.
public enum ChannelSignalling: String, CaseIterable, Sendable {
    /// A B-channel or clear channel carrying audio or data.
    case clear = "bchan"
    /// A D-channel with the HDLC done in hardware.
    case hardHDLC = "hardhdlc"
    /// A D-channel with the HDLC done by DAHDI.
    case dChannel = "dchan"
    /// An SS7 signalling link (MTP2 in DAHDI).
    case mtp2 = "mtp2"
    /// FXS port (a phone on it), kewlstart.
    case fxoKewlstart = "fxoks"
    case fxoLoopstart = "fxols"
    /// FXO port (towards a central office), kewlstart.
    case fxsKewlstart = "fxsks"
    case fxsLoopstart = "fxsls"

    public var dahdiValue: Int32 {
        switch self {
        case .clear: return CDAHDI_SIG_CLEAR
        case .hardHDLC: return CDAHDI_SIG_HARDHDLC
        case .dChannel: return CDAHDI_SIG_HDLCFCS
        case .mtp2: return CDAHDI_SIG_MTP2
        case .fxoKewlstart: return CDAHDI_SIG_FXOKS
        case .fxoLoopstart: return CDAHDI_SIG_FXOLS
        case .fxsKewlstart: return CDAHDI_SIG_FXSKS
        case .fxsLoopstart: return CDAHDI_SIG_FXSLS
        }
    }

    /// Whether the channel carries HDLC frames rather than audio.
    public var carriesFrames: Bool {
        self == .hardHDLC || self == .dChannel || self == .mtp2
    }
}

/// Names for `DAHDI_SIG_*` values as operators know them.
public enum SignallingName {
    public static func of(_ value: Int32) -> String {
        if value == 0 { return "unconfigured" }
        return ChannelSignalling.allCases.first { $0.dahdiValue == value }?.rawValue ?? "0x\(String(UInt32(bitPattern: value), radix: 16))"
    }
}
