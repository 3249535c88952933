import CLibPRI

/// How one ISDN PRI span is run: its D-channel, its B-channels, which side it plays and the
/// switch type it speaks.
public struct PRISpanConfiguration: Sendable, Equatable {
    /// The side of the interface: user (CPE, the engine facing a carrier) or network (the carrier).
    public enum Side: String, Sendable {
        case user, network
    }

    /// The switch variant of Q.931 the far end speaks.
    public enum SwitchType: String, Sendable, CaseIterable {
        case euroISDN = "euroisdn"
        case ni2
        case dms100
        case lucent5E = "lucent5e"
        case att4ESS = "4ess"
        case qsig

        var libpriValue: Int32 {
            switch self {
            case .euroISDN: PRI_SWITCH_EUROISDN_E1
            case .ni2: PRI_SWITCH_NI2
            case .dms100: PRI_SWITCH_DMS100
            case .lucent5E: PRI_SWITCH_LUCENT5E
            case .att4ESS: PRI_SWITCH_ATT4ESS
            case .qsig: PRI_SWITCH_QSIG
            }
        }

        /// Switch types whose carriers use SERVICE messages for channel maintenance.
        var hasServiceMessages: Bool { self == .ni2 || self == .att4ESS || self == .lucent5E }
    }

    public var name: String
    /// The DAHDI channel number of the D-channel.
    public var dChannel: Int
    /// PRI channel number (1-31 on E1 without 16, 1-23 on T1) -> DAHDI channel number.
    public var bChannels: [Int: Int]
    public var side: Side
    public var switchType: SwitchType
    /// Accept SETUPs without a complete number and collect the rest from INFORMATION messages.
    public var overlapReceiving: Bool

    public init(name: String, dChannel: Int, bChannels: [Int: Int], side: Side, switchType: SwitchType,
                overlapReceiving: Bool = false) {
        self.name = name
        self.dChannel = dChannel
        self.bChannels = bChannels
        self.side = side
        self.switchType = switchType
        self.overlapReceiving = overlapReceiving
    }

    /// A span laid out as DAHDI numbers it: the D-channel and the bearer channels in timeslot
    /// order; PRI channel numbers follow the timeslots (E1: 1-15 and 17-31; T1: 1-23).
    public init(name: String, dChannel: Int, bearers: [Int], side: Side, switchType: SwitchType,
                overlapReceiving: Bool = false) {
        var map: [Int: Int] = [:]
        let firstTimeslotChannel = min(dChannel, bearers.min() ?? dChannel)
        for dahdi in bearers {
            map[dahdi - firstTimeslotChannel + 1] = dahdi
        }
        self.init(name: name, dChannel: dChannel, bChannels: map, side: side, switchType: switchType,
                  overlapReceiving: overlapReceiving)
    }
}
